"""SCIM 2.0 provisioning (RFC 7643/7644): an identity provider keeps people and teams in sync.

A SCIM `User` is a person (`userName` is their e-mail address, `externalId` the provider's own id);
a SCIM `Group` is a team (`displayName` its name, `members` the people in it). The resources are
parsed, checked and written out with `scim2-models`; this module maps them to people and teams and
is the only code that provisions them. The views (flashpoint/people/scim_views.py) parse and call it.

Deactivating is never deleting: `active: false` and `DELETE` sign the person out at once and keep
everything they did. The safety stop refuses a run that would deactivate more than
SCIM_MAX_DEACTIVATE_PERCENT of the active people within an hour (a wrong filter in the provider's
assignment rules must not empty the organisation).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme, Bulk, ChangePassword, Context, Email, EnterpriseUser, Error, ETag, Filter,
    Group, GroupMember, InvalidFilterException, InvalidPathException, InvalidValueException, ListResponse,
    Meta, Name, NotFoundException, ResponseParameters, Patch, PatchOp, ResourceType, SCIMException, ServiceProviderConfig, Sort,
    UniquenessException, User as ScimUser,
)
from scim2_models.resources.enterprise_user import Manager

from flashpoint.extensions import db
from flashpoint.people.models import AuditEvent, Team, User
from flashpoint.people.services import PeopleError, normalise_email, user_by_email
from flashpoint.timeutil import utcnow

UserResource = ScimUser[EnterpriseUser]
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_COUNT = 200
DEACTIVATION_WINDOW = timedelta(hours=1)
# Audit-log actions (read by admins on /admin/audit and /admin): what provisioning changed.
DEACTIVATED_ACTION = "deactivated by provisioning"
REACTIVATED_ACTION = "reactivated by provisioning"
CREATED_ACTION = "created by provisioning"
# What a PATCH may address on a User (lower case, the part before any '.' or '['); anything else is
# answered with invalidPath rather than silently ignored.
USER_PATCH_PATHS = {"active", "name", "emails", "displayname", "externalid", "username",
                    ENTERPRISE_SCHEMA.lower()}
_FILTER = re.compile(r'^\s*([A-Za-z.:0-9]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


class ScimError(Exception):
    """A request the service refuses, carried as the SCIM error schema (status, scimType, detail)."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    @classmethod
    def of(cls, exc: SCIMException, detail: str | None = None) -> ScimError:
        return cls(exc.status, detail or exc.detail, exc.scim_type)

    def body(self) -> dict:
        return Error(status=self.status, scim_type=self.scim_type, detail=self.detail).model_dump()


# ---- discovery -------------------------------------------------------------------------------

def service_provider_config(base_url: str) -> dict:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="OAuth Bearer Token", primary=True,
            description="A Flashpoint API token with the scope 'scim' (create-api-token NAME --scope scim)."),
        ],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{base_url}/ServiceProviderConfig"),
    )
    return config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def schemas() -> list[dict]:
    return [model.to_schema().model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
            for model in (ScimUser, EnterpriseUser, Group)]


def schema(schema_id: str) -> dict:
    for found in schemas():
        if found["id"] == schema_id:
            return found
    raise ScimError(404, f"There is no schema {schema_id}.")


def resource_types(base_url: str) -> list[dict]:
    found = []
    for model in (UserResource, Group):
        rtype = ResourceType.from_resource(model)
        rtype.meta = Meta(resource_type="ResourceType", location=f"{base_url}/ResourceTypes/{rtype.id}")
        found.append(rtype.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return found


def resource_type(type_id: str, base_url: str) -> dict:
    for found in resource_types(base_url):
        if found["id"] == type_id:
            return found
    raise ScimError(404, f"There is no resource type {type_id}.")


def list_response(resources: list[dict], total: int, start: int) -> dict:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": total,
            "startIndex": start, "itemsPerPage": len(resources), "Resources": resources}


# ---- reading requests ------------------------------------------------------------------------

@dataclass
class Page:
    start: int = 1
    count: int = MAX_COUNT


def page_of(start_index: str | None, count: str | None) -> Page:
    """RFC 7644 §3.4.2.4: startIndex below 1 is 1, a negative count is 0; the count is capped."""
    try:
        start = max(1, int(start_index)) if start_index not in (None, "") else 1
        size = max(0, int(count)) if count not in (None, "") else MAX_COUNT
    except ValueError:
        raise ScimError(400, "startIndex and count are whole numbers.", "invalidValue") from None
    return Page(start, min(size, MAX_COUNT))


def parse_filter(text: str | None, allowed: dict[str, object]) -> tuple[object, str] | None:
    """`attribute eq "value"` for the attributes in `allowed` (lower-case name → column)."""
    if text is None or not text.strip():
        return None
    match = _FILTER.match(text)
    if match is None:
        raise ScimError(400, 'Only filters of the form attribute eq "value" are supported.', "invalidFilter")
    attribute = match.group(1).lower()
    if attribute.startswith(USER_SCHEMA.lower() + ":"):
        attribute = attribute[len(USER_SCHEMA) + 1:]
    if attribute not in allowed:
        raise ScimError(400, f"Filtering on {match.group(1)} is not supported; use {', '.join(allowed)}.",
                        "invalidFilter")
    return allowed[attribute], match.group(2).replace('\\"', '"').replace("\\\\", "\\")


def _validate(model, data: dict, context: Context):
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    try:
        return model.model_validate(data, scim_ctx=context)
    except ValidationError as exc:
        error = Error.from_validation_error(exc.errors()[0])
        raise ScimError(int(error.status or 400), error.detail or str(exc), error.scim_type) from None
    except SCIMException as exc:
        raise ScimError.of(exc) from None


# ---- users -----------------------------------------------------------------------------------

def user_location(base_url: str, user: User) -> str:
    return f"{base_url}/Users/{user.id}"


def user_resource(user: User, base_url: str) -> UserResource:
    given, _, family = (user.name or "").partition(" ")
    resource = UserResource(
        id=str(user.id), external_id=user.scim_external_id, user_name=user.email,
        display_name=user.name, name=Name(formatted=user.name, given_name=given or None,
                                          family_name=family or None),
        active=bool(user.active), emails=[_email(user.email)],
        meta=Meta(resource_type="User", created=user.created_at, last_modified=user.created_at,
                  location=user_location(base_url, user)),
    )
    managers = user.managers()
    if user.team is not None or managers:
        resource[EnterpriseUser] = EnterpriseUser(
            department=user.team.name if user.team is not None else None,
            manager=Manager.model_construct(value=str(managers[0].id), display_name=managers[0].name,
                                            ref=user_location(base_url, managers[0])) if managers else None)
    return resource


def _email(address: str) -> Email:
    # Built without pydantic's deliverability check: a self-hosted organisation may use intranet
    # or `.test` domains (flashpoint/people/services.py normalise_email accepts them).
    return Email.model_construct(value=address, type=Email.Type.work, primary=True)


def response_parameters(attributes: str | None, excluded: str | None) -> ResponseParameters | None:
    """The `attributes` / `excludedAttributes` a client asked for (RFC 7644 §3.4.2.5), or None."""
    if not attributes and not excluded:
        return None
    try:
        return ResponseParameters.model_validate(
            {k: v for k, v in (("attributes", attributes), ("excludedAttributes", excluded)) if v})
    except (ValidationError, SCIMException) as exc:
        raise ScimError.of(InvalidValueException(), f"attributes or excludedAttributes: {exc}") from None


def dump_user(user: User, base_url: str, params: ResponseParameters | None = None) -> dict:
    return user_resource(user, base_url).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
                                                    response_parameters=params)


def get_user(user_id: str) -> User:
    user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if user is None:
        raise ScimError.of(NotFoundException(), f"There is no user {user_id}.")
    return user


def list_users(filter_text: str | None, page: Page) -> tuple[list[User], int]:
    query = db.select(User)
    found = parse_filter(filter_text, {"username": User.email, "externalid": User.scim_external_id,
                                       "emails.value": User.email, "emails": User.email})
    if found is not None:
        column, value = found
        query = query.where(db.func.lower(column) == value.lower()) if column is User.email \
            else query.where(column == value)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    users = list(db.session.scalars(query.order_by(User.id).offset(page.start - 1).limit(page.count)))
    return users, total


def _display_name(resource: UserResource) -> str:
    name = resource.name
    if name is not None and name.formatted and name.formatted.strip():
        return name.formatted.strip()
    if name is not None and (name.given_name or name.family_name):
        return " ".join(p.strip() for p in (name.given_name, name.family_name) if p and p.strip())
    if resource.display_name and resource.display_name.strip():
        return resource.display_name.strip()
    return resource.user_name.split("@")[0]


def _email_of(resource: UserResource) -> str:
    try:
        return normalise_email(resource.user_name or "")
    except PeopleError as exc:
        raise ScimError.of(InvalidValueException(), f"userName must be an e-mail address: {exc}") from None


_UNSET = object()


def _take_manager(data: dict):
    """The enterprise `manager` apart from the rest of the body: providers send it as
    `{"value": "<user id>"}` (no `$ref`, which the strict model wants), or as the bare id."""
    extension = data.get(ENTERPRISE_SCHEMA) if isinstance(data, dict) else None
    if not isinstance(extension, dict) or "manager" not in extension:
        return data, _UNSET
    rest = dict(extension)
    manager = rest.pop("manager")
    return {**data, ENTERPRISE_SCHEMA: rest}, _manager_id(manager)


def _manager_id(manager):
    if isinstance(manager, dict):
        manager = manager.get("value")
    return str(manager).strip() if manager not in (None, "") else None


def _apply_manager(user: User, manager_id) -> None:
    """The person's manager becomes a manager of the person's team (promoted from staff if need be)."""
    if manager_id is _UNSET or manager_id is None:
        return
    manager = db.session.get(User, int(manager_id)) if manager_id.isdigit() else None
    if manager is None:
        raise ScimError.of(InvalidValueException(), f"There is no user {manager_id} to be the manager.")
    if user.team is not None and manager.id != user.id and manager not in user.team.managers:
        from flashpoint.people.teams import set_team_managers

        set_team_managers(user.team, [*user.team.managers, manager])


def _apply_department(user: User, resource: UserResource) -> None:
    """A department naming a team puts the person in it; other departments are not teams here."""
    extension = resource[EnterpriseUser]
    name = (extension.department or "").strip() if extension is not None else ""
    if name and (user.team is None or user.team.name.lower() != name.lower()):
        team = db.session.scalar(db.select(Team).where(db.func.lower(Team.name) == name.lower()).limit(1))
        if team is not None:
            user.team = team


def _apply(user: User, resource: UserResource, *, now, manager_id=_UNSET) -> None:
    """Write a checked resource onto a person: e-mail, name, externalId, active, team, manager."""
    email = _email_of(resource)
    other = user_by_email(email)
    if other is not None and other.id != user.id:
        raise ScimError.of(UniquenessException(), f"{email} already belongs to another person.")
    name = _display_name(resource)
    if len(name) > 120:
        raise ScimError.of(InvalidValueException(), "The name is longer than 120 characters.")
    user.email, user.name = email, name
    user.scim_external_id = (resource.external_id or "").strip()[:255] or None
    _apply_department(user, resource)
    _apply_manager(user, manager_id)
    if resource.active is not None:
        _set_active(user, bool(resource.active), now=now)


def _set_active(user: User, active: bool, *, now) -> None:
    if user.active and not active:
        _check_safety_stop(now)
        user.active = False
        user.end_sessions()  # signed out at once, in every browser
        _audit(user, DEACTIVATED_ACTION, now, "signed out at once; everything they did is kept")
    elif active and not user.active:
        user.active = True
        _audit(user, REACTIVATED_ACTION, now)


def _audit(user: User, action: str, now, detail: str = "") -> None:
    db.session.add(AuditEvent(at=now, action=action, subject_id=user.id, actor_label="SCIM provisioning",
                              subject_label=user.name, detail=detail))


def create_user(data: dict, *, now=None) -> User:
    data, manager_id = _take_manager(data)
    resource = _validate(UserResource, data, Context.RESOURCE_CREATION_REQUEST)
    email = _email_of(resource)
    if user_by_email(email) is not None:
        raise ScimError.of(UniquenessException(), f"{email} already has an account.")
    user = User(email=email, name="", role="staff", timezone="UTC", active=True)
    db.session.add(user)
    db.session.flush()
    now = now or utcnow()
    _apply(user, resource, now=now, manager_id=manager_id)
    _audit(user, CREATED_ACTION, now, user.email)
    return user


def replace_user(user: User, data: dict, *, now=None) -> User:
    data, manager_id = _take_manager(data)
    resource = _validate(UserResource, data, Context.RESOURCE_REPLACEMENT_REQUEST)
    _apply(user, resource, now=now or utcnow(), manager_id=manager_id)
    return user


def _take_manager_operations(data: dict):
    """PATCH operations on the enterprise manager, apart: Entra ID sends the bare id as the value."""
    operations = data.get("Operations") if isinstance(data, dict) else None
    if not isinstance(operations, list):
        return data, _UNSET
    manager_id, rest = _UNSET, []
    for operation in operations:
        path = str(operation.get("path") or "") if isinstance(operation, dict) else ""
        if path.lower() == f"{ENTERPRISE_SCHEMA}:manager".lower() and \
                str(operation.get("op", "")).lower() in ("add", "replace"):
            manager_id = _manager_id(operation.get("value"))
        else:
            rest.append(operation)
    return {**data, "Operations": rest}, manager_id


def patch_user(user: User, data: dict, base_url: str, *, now=None) -> User:
    data, manager_id = _take_manager_operations(data)
    if data.get("Operations") == [] and manager_id is not _UNSET:
        _apply_manager(user, manager_id)
        return user
    patch = _validate(PatchOp[UserResource], data, Context.RESOURCE_PATCH_REQUEST)
    for operation in patch.operations or []:
        if operation.path is None:
            continue
        root = re.split(r"[.\[]", operation.path, maxsplit=1)[0].lower()
        if operation.path.lower().startswith(ENTERPRISE_SCHEMA.lower()):
            root = ENTERPRISE_SCHEMA.lower()
        if root not in USER_PATCH_PATHS:
            raise ScimError.of(InvalidPathException(), f"A User has no attribute '{operation.path}' to change.")
    resource = user_resource(user, base_url)
    emails_before = [e.value for e in resource.emails or []]
    try:
        patch.patch(resource)
    except SCIMException as exc:
        raise ScimError.of(exc) from None
    except (ValueError, TypeError) as exc:
        raise ScimError.of(InvalidValueException(), str(exc)) from None
    paths = {(op.path or "").lower() for op in patch.operations or []}
    if resource.name is not None and paths & {"name.givenname", "name.familyname"} \
            and "name.formatted" not in paths:
        resource.name.formatted = None  # the name is rebuilt from the parts that changed
    emails_after = [e.value for e in resource.emails or [] if e.value]
    if resource.user_name == user.email and emails_after != emails_before and emails_after:
        primary = next((e.value for e in resource.emails if e.primary), None) or emails_after[0]
        resource.user_name = primary  # the e-mail is the userName: changing one changes the other
    if resource.user_name is None:
        raise ScimError.of(InvalidValueException(), "userName cannot be removed.")
    if resource[EnterpriseUser] is not None:
        resource[EnterpriseUser].manager = None  # read-only here: what the person's team says
    _apply(user, resource, now=now or utcnow(), manager_id=manager_id)
    return user


def deactivate_user(user: User, *, now=None) -> None:
    """DELETE: the person leaves; what they did stays, under their name, and they are signed out."""
    _set_active(user, False, now=now or utcnow())


# ---- safety stop -----------------------------------------------------------------------------

class SafetyStop(ScimError):
    """The safety stop refused a deactivation; the view rolls the request back, then calls
    `notify_admins` so the admins hear of it even though nothing else is kept."""

    def __init__(self, detail: str, *, now, recent: int, base: int, limit: float) -> None:
        super().__init__(409, detail)
        self.now, self.recent, self.base, self.limit = now, recent, base, limit


def _check_safety_stop(now) -> None:
    """Refuse one more deactivation when it would take the hour's deactivations past the limit."""
    from flask import current_app

    limit = float(current_app.config["SCIM_MAX_DEACTIVATE_PERCENT"])
    since = now - DEACTIVATION_WINDOW
    recent = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == DEACTIVATED_ACTION, AuditEvent.at > since, AuditEvent.at <= now)) or 0
    active = db.session.scalar(db.select(db.func.count(User.id)).where(User.active.is_(True))) or 0
    # The base is the people active an hour ago: those still active plus those deactivated since.
    base = active + recent
    if base and (recent + 1) * 100 > limit * base:
        raise SafetyStop(f"Safety stop: deactivating one more person would deactivate {recent + 1} of "
                              f"{base} active people within an hour, more than {limit:g}% "
                              "(SCIM_MAX_DEACTIVATE_PERCENT). Nothing was changed; the admins have been told.",
                         now=now, recent=recent, base=base, limit=limit)


def notify_admins(stop: SafetyStop) -> None:
    """Tell every admin that provisioning was stopped (once an hour each; the caller commits)."""
    from flashpoint.outbox.services import record_notification

    now, recent, base, limit = stop.now, stop.recent, stop.base, stop.limit

    admins = db.session.scalars(db.select(User).where(User.role == "admin", User.active.is_(True)))
    hour = now.strftime("%Y-%m-%dT%H")
    for admin in admins:
        record_notification(
            "scim.safety_stop", "Provisioning stopped: too many deactivations",
            f"The identity provider tried to deactivate more than {limit:g}% of the active people within "
            f"an hour ({recent} of {base} already). Further deactivations are refused until the hour has "
            "passed; check the provider's assignments, or raise SCIM_MAX_DEACTIVATE_PERCENT if this is "
            "intended.",
            recipient=admin, link="/admin/people", dedupe_key=f"scim.safety_stop:{hour}:{admin.id}")


# ---- groups: teams -----------------------------------------------------------------------------
# A person belongs to one team, so adding them to a Group moves them out of the team they were in.

_MEMBER_FILTER = re.compile(r'^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$', re.IGNORECASE)


def group_location(base_url: str, team: Team) -> str:
    return f"{base_url}/Groups/{team.id}"


def dump_group(team: Team, base_url: str, *, with_members: bool = True,
               params: ResponseParameters | None = None) -> dict:
    members = None
    if with_members:
        members = [GroupMember.model_construct(value=str(u.id), display=u.name, type="User",
                                               ref=user_location(base_url, u))
                   for u in sorted(team.members, key=lambda u: u.id)]
    group = Group(id=str(team.id), display_name=team.name, members=members,
                  meta=Meta(resource_type="Group", created=team.created_at, last_modified=team.created_at,
                            location=group_location(base_url, team)))
    return group.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=params)


def get_group(team_id: str) -> Team:
    team = db.session.get(Team, int(team_id)) if str(team_id).isdigit() else None
    if team is None:
        raise ScimError.of(NotFoundException(), f"There is no group {team_id}.")
    return team


def list_groups(filter_text: str | None, page: Page) -> tuple[list[Team], int]:
    query = db.select(Team)
    found = parse_filter(filter_text, {"displayname": Team.name})
    if found is not None:
        query = query.where(db.func.lower(Team.name) == found[1].lower())
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    teams = list(db.session.scalars(query.order_by(Team.id).offset(page.start - 1).limit(page.count)))
    return teams, total


def _slug_for(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56].strip("-") or "team"
    slug, n = base, 1
    while db.session.scalar(db.select(Team.id).where(Team.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _group_name(value) -> str:
    name = (value or "").strip() if isinstance(value, str) else ""
    if not name:
        raise ScimError.of(InvalidValueException(), "A Group needs a displayName (the team's name).")
    if len(name) > 120:
        raise ScimError.of(InvalidValueException(), "A team's name has at most 120 characters.")
    return name


def _members(values) -> list[User]:
    """The people a list of members names (`[{"value": "<user id>"}]`); an unknown id is refused."""
    if values is None:
        return []
    if isinstance(values, dict):
        values = [values]
    if not isinstance(values, list):
        raise ScimError.of(InvalidValueException(), "members is a list of {\"value\": \"<user id>\"}.")
    people = []
    for item in values:
        value = item.get("value") if isinstance(item, dict) else getattr(item, "value", None)
        user = db.session.get(User, int(value)) if str(value or "").isdigit() else None
        if user is None:
            raise ScimError.of(InvalidValueException(), f"There is no user {value} to make a member.")
        people.append(user)
    return people


def _set_members(team: Team, people: list[User]) -> None:
    keep = {p.id for p in people}
    for member in list(team.members):
        if member.id not in keep:
            member.team = None
    for person in people:
        person.team = team


def create_group(data: dict) -> Team:
    group = _validate(Group, data, Context.RESOURCE_CREATION_REQUEST)
    name = _group_name(group.display_name)
    if db.session.scalar(db.select(Team.id).where(db.func.lower(Team.name) == name.lower())) is not None:
        raise ScimError.of(UniquenessException(), f"A team named {name} already exists.")
    team = Team(slug=_slug_for(name), name=name)
    db.session.add(team)
    _set_members(team, _members(group.members))
    db.session.flush()
    return team


def replace_group(team: Team, data: dict) -> Team:
    group = _validate(Group, data, Context.RESOURCE_REPLACEMENT_REQUEST)
    team.name = _group_name(group.display_name)
    _set_members(team, _members(group.members))
    return team


def _entra_removals(data: dict) -> dict:
    """Microsoft Entra ID removes members as `{"op": "Remove", "path": "members", "value": [{"value":
    id}]}`, which RFC 7644 spells `members[value eq "id"]`; rewritten so the strict check accepts it."""
    operations = data.get("Operations") if isinstance(data, dict) else None
    if not isinstance(operations, list):
        return data
    rewritten = []
    for operation in operations:
        if (isinstance(operation, dict) and str(operation.get("op", "")).lower() == "remove"
                and str(operation.get("path", "")).lower() == "members" and isinstance(operation.get("value"), list)):
            rewritten += [{"op": "remove", "path": f'members[value eq "{item.get("value")}"]'}
                          for item in operation["value"] if isinstance(item, dict)]
        else:
            rewritten.append(operation)
    return {**data, "Operations": rewritten}


def patch_group(team: Team, data: dict) -> Team:
    patch = _validate(PatchOp[Group], _entra_removals(data), Context.RESOURCE_PATCH_REQUEST)
    for operation in patch.operations or []:
        op = operation.op.value.lower()
        path = (operation.path or "").strip()
        if not path:
            if not isinstance(operation.value, dict):
                raise ScimError.of(InvalidValueException(), "Without a path, the value is an object of attributes.")
            for key, value in operation.value.items():
                _patch_group_attribute(team, op, key, value)
        else:
            _patch_group_attribute(team, op, path, operation.value)
    return team


def _patch_group_attribute(team: Team, op: str, path: str, value) -> None:
    member = _MEMBER_FILTER.match(path)
    lowered = path.lower()
    if member and op == "remove":
        person = db.session.get(User, int(member.group(1))) if member.group(1).isdigit() else None
        if person is not None and person.team_id == team.id:
            person.team = None
    elif lowered == "members" and op == "add":
        for person in _members(value):
            person.team = team
    elif lowered == "members" and op == "remove":
        for person in list(team.members):
            person.team = None
    elif lowered == "members" and op == "replace":
        _set_members(team, _members(value))
    elif lowered == "displayname" and op in ("add", "replace"):
        team.name = _group_name(value)
    elif lowered == "externalid":
        pass  # Entra ID sends its own id along; Flashpoint keeps none for teams
    else:
        raise ScimError.of(InvalidPathException(), f"A Group has no attribute '{path}' to {op}.")


def release_group(team: Team) -> None:
    """DELETE: the team's people leave it; the team stays, with its stories, feedback and figures."""
    _set_members(team, [])
