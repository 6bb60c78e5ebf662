"""What Flashpoint declares in SCIM's /Schemas, and therefore parses, keeps and gives back.

The RFC 7643 `User` lists attributes Flashpoint has no use for (passwords: people sign in with
single sign-on; instant messaging, photos, entitlements, roles, certificates). Declaring them would
promise to keep them, so these models declare only what is kept: the e-mail (`userName`), the name,
the active state and the provider's `externalId` in the person's own columns, and the rest of what
Okta and Microsoft Entra ID send by default (display and nick names, title, user type, language,
locale, time zone, profile URL, e-mails, phone numbers, addresses, the enterprise extension) as sent
(`users.scim_attributes`). A request naming anything else is refused: `invalidPath` in a PATCH,
`invalidSyntax` in a body. `groups` is answered (the person's team) and read-only.

`active` is required: a person is always either active or not, so it cannot be removed (a PATCH
removing it is refused with `mutability`); a creation without it makes an active person.
"""
from __future__ import annotations

from typing import Annotated, ClassVar, Union

from pydantic import Field
from scim2_models import (
    Address, CaseExact, ComplexAttribute, Extension, Mutability, Name, PhoneNumber, Reference, Required,
    Resource, Returned, Uniqueness, URN,
)
from scim2_models import Email as _Email
from scim2_models.resources.user import GroupMembership
from scim2_models.reference import External

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Email(_Email):
    # A plain string: a self-hosted organisation may use intranet or `.test` domains, which the
    # strict e-mail type refuses (flashpoint/people/services.py normalise_email accepts them).
    value: str | None = None


class Manager(ComplexAttribute):
    """The person's manager, by SCIM id. Providers send the bare id (`{"value": "…"}`)."""

    value: Annotated[str | None, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, Required.false] = Field(  # type: ignore[type-arg]
        None, serialization_alias="$ref", validation_alias="$ref")
    # Accepted and ignored on input (read-only), never filled in: a checker compares what it wrote.
    display_name: Annotated[str | None, Mutability.read_only, Returned.request] = None


class EnterpriseUser(Extension):
    """Enterprise User: a department naming a team puts the person in it; the manager manages it."""

    __schema__ = URN(ENTERPRISE_SCHEMA)

    employee_number: str | None = None
    cost_center: str | None = None
    organization: str | None = None
    division: str | None = None
    department: str | None = None
    manager: Manager | None = None


class User(Resource):
    """User Account: a person; userName is their e-mail address."""

    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    Name: ClassVar[type[ComplexAttribute]] = Name
    display_name: str | None = None
    nick_name: str | None = None
    profile_url: Reference[External] | None = None
    title: str | None = None
    user_type: str | None = None
    preferred_language: str | None = None
    locale: str | None = None
    timezone: str | None = None
    active: Annotated[bool | None, Required.true] = None
    emails: list[Email] | None = None
    Emails: ClassVar[type[ComplexAttribute]] = Email
    phone_numbers: list[PhoneNumber] | None = None
    PhoneNumbers: ClassVar[type[ComplexAttribute]] = PhoneNumber
    addresses: list[Address] | None = None
    Addresses: ClassVar[type[ComplexAttribute]] = Address
    # The person's team, read-only: Okta sends `"groups": []` on creation, which is accepted and
    # ignored (membership changes go through the Group).
    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None
    Groups: ClassVar[type[ComplexAttribute]] = GroupMembership


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference[Union["User", "Group"]] | None, Mutability.immutable] = Field(  # type: ignore[type-arg]
        None, serialization_alias="$ref", validation_alias="$ref")
    type: Annotated[str | None, Mutability.immutable] = Field(None, examples=["User"])
    # Okta sends the member's name along; it is the person's own name, answered when asked for.
    display: Annotated[str | None, Mutability.read_only, Returned.request] = None


class Group(Resource):
    """Group: a team; displayName is its name, members its people."""

    __schema__ = URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None
    Members: ClassVar[type[ComplexAttribute]] = GroupMember


UserResource = User[EnterpriseUser]
