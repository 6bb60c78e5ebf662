"""SCIM 2.0 provisioning (RFC 7643/7644): an identity provider keeps people and teams in sync.

A SCIM `User` is a person (`userName` is their e-mail address, `externalId` the provider's own id);
a SCIM `Group` is a team (`displayName` its name, `members` the people in it). What is declared,
and so kept and given back, is in flashpoint/people/scim_schema.py; resources are parsed, patched
and written out with `scim2-models`. This module maps them to people and teams and is the only code
that provisions them. The views (flashpoint/people/scim_views.py) parse and call it.

Deactivating is never deleting: `active: false` signs the person out at once and keeps everything
they did. `DELETE` does the same and marks the person removed by provisioning: SCIM no longer sees
them (404, absent from lists) until the provider creates the same userName again, which brings them
back. The safety stop refuses a run that would deactivate more than SCIM_MAX_DEACTIVATE_PERCENT of
the active people within an hour (a wrong filter in the provider's assignment rules must not empty
the organisation).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import available_timezones

from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme, Bulk, ChangePassword, Context, Error, ETag, Filter, InvalidFilterException,
    InvalidValueException, Meta, NotFoundException, Patch, PatchOp, ResourceType,
    ResponseParameters, SCIMException, ScimPolicy, SearchRequest, ServiceProviderConfig, Sort,
    UniquenessException,
)
from scim2_models.resources.user import GroupMembership

from flashpoint.extensions import db
from flashpoint.people.models import AuditEvent, Team, User
from flashpoint.people.scim_schema import (
    ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, EnterpriseUser, Group, GroupMember, UserResource,
)
from flashpoint.people.scim_schema import User as ScimUser
from flashpoint.people.services import PeopleError, normalise_email, user_by_email
from flashpoint.timeutil import utcnow

MAX_COUNT = 200
DEACTIVATION_WINDOW = timedelta(hours=1)
# Audit-log actions (read by admins on /admin/audit and /admin): what provisioning changed.
DEACTIVATED_ACTION = "deactivated by provisioning"
REACTIVATED_ACTION = "reactivated by provisioning"
CREATED_ACTION = "created by provisioning"
REMOVED_ACTION = "removed by provisioning"
RESTORED_ACTION = "restored by provisioning"
# Strict RFC 7644, with the two departures Microsoft Entra ID needs: a `remove` whose value lists
# the members to remove, and `emails[type eq "work"].value` written when there is no work e-mail yet.
POLICY = ScimPolicy(remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)
# The attributes the provider's values live in columns for; the rest is kept in scim_attributes.
_COLUMN_KEYS = {"schemas", "id", "meta", "userName", "active", "externalId", "groups"}
_FILTER = re.compile(r'^\s*([A-Za-z.:0-9$]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
_MEMBER_FILTER = re.compile(r'^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$', re.IGNORECASE)


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
        sort=Sort(supported=True),
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


def page_of(start_index, count) -> Page:
    """RFC 7644 §3.4.2.4: startIndex below 1 is 1, a negative count is 0; the count is capped."""
    try:
        start = max(1, int(start_index)) if start_index not in (None, "") else 1
        size = max(0, int(count)) if count not in (None, "") else MAX_COUNT
    except (TypeError, ValueError):
        raise ScimError(400, "startIndex and count are whole numbers.", "invalidValue") from None
    return Page(start, min(size, MAX_COUNT))


@dataclass
class Query:
    """What a list or a search asks for: a filter, an order, a page and the attributes to answer."""

    filter: str | None = None
    sort_by: str | None = None
    descending: bool = False
    page: Page = None  # type: ignore[assignment]
    params: ResponseParameters | None = None

    def __post_init__(self) -> None:
        self.page = self.page or Page()


def query_of(args) -> Query:
    """The query of `GET /Users` or `GET /Groups` (RFC 7644 §3.4.2)."""
    order = (args.get("sortOrder") or "ascending").strip().lower()
    if order not in ("ascending", "descending"):
        raise ScimError(400, "sortOrder is ascending or descending.", "invalidValue")
    return Query(filter=args.get("filter"), sort_by=(args.get("sortBy") or "").strip() or None,
                 descending=order == "descending", page=page_of(args.get("startIndex"), args.get("count")),
                 params=response_parameters(args.get("attributes"), args.get("excludedAttributes")))


def search_query(data: dict) -> Query:
    """The query of `POST /.search` (RFC 7644 §3.4.3): a SearchRequest body."""
    request = _validate(SearchRequest, data, Context.SEARCH_REQUEST)
    params = None
    if request.attributes or request.excluded_attributes:
        params = response_parameters(",".join(str(p) for p in request.attributes or []) or None,
                                     ",".join(str(p) for p in request.excluded_attributes or []) or None)
    return Query(filter=str(request.filter) if request.filter is not None else None,
                 sort_by=str(request.sort_by) if request.sort_by is not None else None,
                 descending=request.sort_order == SearchRequest.SortOrder.descending,
                 page=page_of(request.start_index, request.count), params=params)


def response_parameters(attributes: str | None, excluded: str | None) -> ResponseParameters | None:
    """The `attributes` / `excludedAttributes` a client asked for (RFC 7644 §3.4.2.5), or None."""
    if not attributes and not excluded:
        return None
    try:
        return ResponseParameters.model_validate(
            {k: v for k, v in (("attributes", attributes), ("excludedAttributes", excluded)) if v})
    except (ValidationError, SCIMException) as exc:
        raise ScimError.of(InvalidValueException(), f"attributes or excludedAttributes: {exc}") from None


def _attribute(text: str) -> str:
    """An attribute name as compared here: lower case, without the core schema's URN."""
    name = text.strip().lower()
    for urn in (USER_SCHEMA, GROUP_SCHEMA):
        if name.startswith(urn.lower() + ":"):
            return name[len(urn) + 1:]
    return name


def _where(filter_text: str | None, allowed: dict[str, object], *, others: set[str] = frozenset()):
    """The SQL condition of `attribute eq "value"` for the attributes in `allowed` (lower-case name
    → column), None without a filter, False when the attribute belongs to another resource type
    (`others`, in a search across types: nothing of this type matches)."""
    if filter_text is None or not filter_text.strip():
        return None
    match = _FILTER.match(filter_text)
    if match is None:
        raise ScimError.of(InvalidFilterException(), 'Only filters of the form attribute eq "value" are supported.')
    attribute = _attribute(match.group(1))
    value = match.group(2).replace('\\"', '"').replace("\\\\", "\\")
    if attribute not in allowed:
        if attribute in others:
            return False
        raise ScimError.of(InvalidFilterException(),
                           f"Filtering on {match.group(1)} is not supported; use {', '.join(sorted(allowed))}.")
    column = allowed[attribute]
    if attribute == "id":
        return column == int(value) if _is_id(value) else db.false()
    if attribute in ("username", "emails", "emails.value", "displayname"):
        return db.func.lower(column) == value.lower()  # caseExact false (RFC 7643 §2.1)
    return column == value


def _order(query: Query, allowed: dict[str, object], default):
    if query.sort_by is None:
        return [default]
    attribute = _attribute(query.sort_by)
    if attribute not in allowed:
        raise ScimError(400, f"Sorting by {query.sort_by} is not supported; use {', '.join(sorted(allowed))}.",
                        "invalidValue")
    column = allowed[attribute]
    return [column.desc() if query.descending else column.asc(), default]


def _validate(model, data: dict, context: Context):
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    try:
        with POLICY:
            return model.model_validate(data, scim_ctx=context)
    except ValidationError as exc:
        raise _refusal(exc) from None
    except SCIMException as exc:
        raise ScimError.of(exc) from None


def _refusal(exc: ValidationError) -> ScimError:
    error = Error.from_validation_error(exc.errors()[0])
    return ScimError(int(error.status or 400), error.detail or str(exc), error.scim_type or "invalidValue")


# ---- users -----------------------------------------------------------------------------------

def user_location(base_url: str, user: User) -> str:
    return f"{base_url}/Users/{user.id}"


def provisioned():
    """The people SCIM sees: all but those removed by provisioning (and not reactivated since)."""
    return db.or_(User.scim_removed_at.is_(None), User.active.is_(True))


def _derived_attributes(user: User) -> dict:
    """The SCIM attributes of a person the provider never described: from their own columns."""
    given, _, family = (user.name or "").partition(" ")
    found = {"name": {k: v for k, v in (("formatted", user.name), ("givenName", given), ("familyName", family)) if v},
             "displayName": user.name, "emails": [{"value": user.email, "type": "work", "primary": True}]}
    managers = user.managers()
    if user.team is not None or managers:
        found[ENTERPRISE_SCHEMA] = {k: v for k, v in (
            ("department", user.team.name if user.team is not None else None),
            ("manager", {"value": str(managers[0].id)} if managers else None)) if v}
    return found


def user_resource(user: User, base_url: str) -> UserResource:
    body = dict(user.scim_attributes) if user.scim_attributes is not None else _derived_attributes(user)
    extension = body.get(ENTERPRISE_SCHEMA)
    if isinstance(extension, dict) and isinstance(extension.get("manager"), dict):
        manager = dict(extension["manager"])
        manager["$ref"] = f"{base_url}/Users/{manager.get('value')}"
        body[ENTERPRISE_SCHEMA] = {**extension, "manager": manager}
    body.update(schemas=[USER_SCHEMA, *([ENTERPRISE_SCHEMA] if extension else [])], id=str(user.id),
                userName=user.email, active=bool(user.active), externalId=user.scim_external_id)
    resource = UserResource.model_validate({k: v for k, v in body.items() if v is not None and k != "groups"})
    if user.team is not None and user.team.scim_removed_at is None:
        resource.groups = [GroupMembership(value=str(user.team.id), ref=group_location(base_url, user.team),
                                           display=user.team.name, type="direct")]
    resource.meta = Meta(resource_type="User", created=user.created_at, last_modified=user.created_at,
                         location=user_location(base_url, user))
    return resource


def dump_user(user: User, base_url: str, params: ResponseParameters | None = None) -> dict:
    return user_resource(user, base_url).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
                                                    response_parameters=params)


def _is_id(text: str) -> bool:
    # Ids are the database's integers: anything else (or too big for them) names nobody.
    return text.isascii() and text.isdigit() and int(text) < 2**31


def _provisioned_user(user_id) -> User | None:
    user_id = str(user_id or "").strip()
    if not _is_id(user_id):
        return None
    return db.session.scalar(db.select(User).where(User.id == int(user_id), provisioned()))


def get_user(user_id: str) -> User:
    user = _provisioned_user(user_id)
    if user is None:
        raise ScimError.of(NotFoundException(), f"There is no user {user_id}.")
    return user


USER_FILTERS = {"id": User.id, "username": User.email, "externalid": User.scim_external_id,
                "emails.value": User.email, "emails": User.email}
USER_SORTS = {"id": User.id, "username": User.email, "externalid": User.scim_external_id,
              "meta.created": User.created_at}
GROUP_FILTERS = {"id": Team.id, "displayname": Team.name, "externalid": Team.scim_external_id}
GROUP_SORTS = {"id": Team.id, "displayname": Team.name, "externalid": Team.scim_external_id,
               "meta.created": Team.created_at}


def _users_query(query: Query, *, across: bool = False):
    where = _where(query.filter, USER_FILTERS, others=set(GROUP_FILTERS) if across else frozenset())
    found = db.select(User).where(provisioned())
    if where is False:
        return None
    return found.where(where) if where is not None else found


def _page_of(found, query: Query, sorts, tiebreak) -> tuple[list, int]:
    """One page of `found` in the query's order, and how many there are in all."""
    total = db.session.scalar(db.select(db.func.count()).select_from(found.subquery()))
    rows = list(db.session.scalars(found.order_by(*_order(query, sorts, tiebreak))
                                   .offset(query.page.start - 1).limit(query.page.count)))
    return rows, total


def list_users(query: Query) -> tuple[list[User], int]:
    return _page_of(_users_query(query), query, USER_SORTS, User.id)


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


def _manager_of(resource: UserResource, user: User) -> User | None:
    extension = resource[EnterpriseUser]
    manager = extension.manager if extension is not None else None
    value = (manager.value or "").strip() if manager is not None else ""
    if not value:
        return None
    found = _provisioned_user(value)
    if found is None or found.id == user.id:
        raise ScimError.of(InvalidValueException(), f"There is no user {value} to be the manager.")
    return found


def _apply_manager(user: User, manager: User | None) -> None:
    """The person's manager becomes a manager of the person's team (promoted from staff if need be)."""
    if manager is not None and user.team is not None and manager not in user.team.managers:
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


def _kept_attributes(resource: UserResource) -> dict:
    """What the person's columns do not hold, as the provider sent it (the manager by id only)."""
    body = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    kept = {k: v for k, v in body.items() if k not in _COLUMN_KEYS}
    extension = kept.get(ENTERPRISE_SCHEMA)
    if isinstance(extension, dict):
        if isinstance(extension.get("manager"), dict):
            value = extension["manager"].get("value")
            extension = {**extension, "manager": {"value": value}} if value else \
                {k: v for k, v in extension.items() if k != "manager"}
        if extension:
            kept[ENTERPRISE_SCHEMA] = extension
        else:
            kept.pop(ENTERPRISE_SCHEMA)
    return kept


def _write(user: User, resource: UserResource, *, now) -> None:
    """Write a checked resource onto a person: e-mail, name, externalId, active, team, manager,
    and everything else as sent. Every check comes before the first change."""
    email = _email_of(resource)
    other = user_by_email(email)
    if other is not None and other.id != user.id:
        raise ScimError.of(UniquenessException(), f"{email} already belongs to another person.")
    name = _display_name(resource)
    if len(name) > 120:
        raise ScimError.of(InvalidValueException(), "The name is longer than 120 characters.")
    external_id = (resource.external_id or "").strip()
    if len(external_id) > 255:
        raise ScimError.of(InvalidValueException(), "externalId has at most 255 characters.")
    manager = _manager_of(resource, user)
    user.email, user.name, user.scim_external_id = email, name, external_id or None
    user.scim_attributes = _kept_attributes(resource)
    if resource.timezone in _zones():
        user.timezone = resource.timezone  # an Olson name the app knows: their times are shown in it
    _apply_department(user, resource)
    _apply_manager(user, manager)
    if resource.active is not None:
        _set_active(user, bool(resource.active), now=now)


def _zones() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones()
    return _ZONES


_ZONES: set[str] | None = None


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


def _user_body(data: dict, *, active: bool) -> dict:
    """A User body as providers send it, made strict: `active` left out is `active` (a creation)
    or unchanged (a replacement); the enterprise manager as a bare id is `{"value": id}`."""
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    data = dict(data)
    if not any(k.lower() == "active" for k in data):
        data["active"] = active
    extension = data.get(ENTERPRISE_SCHEMA)
    if isinstance(extension, dict) and isinstance(extension.get("manager"), (str, int)):
        data[ENTERPRISE_SCHEMA] = {**extension, "manager": _manager_value(extension["manager"])}
    return data


def _manager_value(value):
    text = str(value).strip()
    return {"value": text} if text else None


def create_user(data: dict, *, now=None) -> User:
    """A new person; the userName of a person removed by provisioning brings them back instead."""
    resource = _validate(UserResource, _user_body(data, active=True), Context.RESOURCE_CREATION_REQUEST)
    email = _email_of(resource)
    now = now or utcnow()
    user = user_by_email(email)
    if user is not None and (user.scim_removed_at is None or user.active):
        raise ScimError.of(UniquenessException(), f"{email} already has an account.")
    restored = user is not None
    if restored:
        user.scim_removed_at = None
        _audit(user, RESTORED_ACTION, now, "created again by the provider; everything they did is theirs again")
    else:
        user = User(email=email, name="", role="staff", timezone="UTC", active=True)
        db.session.add(user)
        db.session.flush()
    _write(user, resource, now=now)
    if not restored:
        _audit(user, CREATED_ACTION, now, user.email)
    return user


def replace_user(user: User, data: dict, *, now=None) -> User:
    resource = _validate(UserResource, _user_body(data, active=bool(user.active)),
                         Context.RESOURCE_REPLACEMENT_REQUEST)
    _write(user, resource, now=now or utcnow())
    return user


def _patch_body(data: dict) -> dict:
    """Entra ID sets the enterprise manager with the bare id as the value."""
    operations = data.get("Operations") if isinstance(data, dict) else None
    if not isinstance(operations, list):
        return data
    manager_path = f"{ENTERPRISE_SCHEMA}:manager".lower()
    fixed = []
    for operation in operations:
        if isinstance(operation, dict) and str(operation.get("path") or "").lower() == manager_path \
                and isinstance(operation.get("value"), (str, int)):
            value = _manager_value(operation["value"])
            operation = {**operation, "value": value} if value else {"op": "remove", "path": operation["path"]}
        fixed.append(operation)
    return {**data, "Operations": fixed}


def _patched(patch: PatchOp, resource) -> None:
    try:
        with POLICY:
            patch.patch(resource)
    except SCIMException as exc:
        raise ScimError.of(exc) from None
    except ValidationError as exc:
        raise _refusal(exc) from None
    except (ValueError, TypeError) as exc:
        raise ScimError.of(InvalidValueException(), str(exc)) from None


def patch_user(user: User, data: dict, base_url: str, *, now=None) -> User:
    patch = _validate(PatchOp[UserResource], _patch_body(data), Context.RESOURCE_PATCH_REQUEST)
    resource = user_resource(user, base_url)
    primary_before = _primary_email(resource)
    _patched(patch, resource)
    paths = {(op.path or "").lower() for op in patch.operations or []}
    if resource.name is not None and paths & {"name.givenname", "name.familyname"} \
            and "name.formatted" not in paths:
        resource.name.formatted = None  # the name is rebuilt from the parts that changed
    primary_after = _primary_email(resource)
    if resource.user_name == user.email and primary_before in (None, user.email) \
            and primary_after not in (None, primary_before):
        # The primary e-mail was the userName (or there was none): changing one changes the other.
        resource.user_name = primary_after
    _write(user, resource, now=now or utcnow())
    return user


def _primary_email(resource: UserResource) -> str | None:
    return next((e.value for e in resource.emails or [] if e.primary and e.value), None)


def remove_user(user: User, *, now=None) -> None:
    """DELETE: the person leaves. They are deactivated (signed out at once, counted by the safety
    stop) and removed by provisioning; what they did stays, under their name."""
    now = now or utcnow()
    _set_active(user, False, now=now)
    user.scim_removed_at = now
    _audit(user, REMOVED_ACTION, now, "no longer provisioned; everything they did is kept")


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

def group_location(base_url: str, team: Team) -> str:
    return f"{base_url}/Groups/{team.id}"


def _visible_members(team: Team) -> list[User]:
    return sorted((u for u in team.members if u.scim_removed_at is None or u.active), key=lambda u: u.id)


def group_resource(team: Team, base_url: str, *, with_members: bool = True) -> Group:
    members = None
    if with_members:
        members = [GroupMember(value=str(u.id), display=u.name, type="User", ref=user_location(base_url, u))
                   for u in _visible_members(team)] or None
    return Group(id=str(team.id), external_id=team.scim_external_id, display_name=team.name, members=members,
                 meta=Meta(resource_type="Group", created=team.created_at, last_modified=team.created_at,
                           location=group_location(base_url, team)))


def dump_group(team: Team, base_url: str, *, with_members: bool = True,
               params: ResponseParameters | None = None) -> dict:
    return group_resource(team, base_url, with_members=with_members).model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=params)


def get_group(team_id: str) -> Team:
    team = db.session.scalar(db.select(Team).where(Team.id == int(team_id), Team.scim_removed_at.is_(None))) \
        if _is_id(str(team_id)) else None
    if team is None:
        raise ScimError.of(NotFoundException(), f"There is no group {team_id}.")
    return team


def _groups_query(query: Query, *, across: bool = False):
    where = _where(query.filter, GROUP_FILTERS, others=set(USER_FILTERS) if across else frozenset())
    found = db.select(Team).where(Team.scim_removed_at.is_(None))
    if where is False:
        return None
    return found.where(where) if where is not None else found


def list_groups(query: Query) -> tuple[list[Team], int]:
    return _page_of(_groups_query(query), query, GROUP_SORTS, Team.id)


def search_all(query: Query, base_url: str) -> dict:
    """`POST /.search` at the root: people first, then teams, paged as one list (RFC 7644 §3.4.3).
    A filter on an attribute only one type has finds nothing of the other."""
    users, groups = _users_query(query, across=True), _groups_query(query, across=True)
    if query.sort_by is not None:
        _order(query, {**USER_SORTS, **GROUP_SORTS}, None)  # an unknown sortBy is refused
    user_sorts = _order(query, USER_SORTS, User.id) if _sorts(query, USER_SORTS) else [User.id]
    group_sorts = _order(query, GROUP_SORTS, Team.id) if _sorts(query, GROUP_SORTS) else [Team.id]
    count = lambda q: db.session.scalar(db.select(db.func.count()).select_from(q.subquery())) if q is not None else 0  # noqa: E731
    n_users, n_groups = count(users), count(groups)
    skip, size, found = query.page.start - 1, query.page.count, []
    if users is not None and skip < n_users:
        found += [dump_user(u, base_url, query.params) for u in
                  db.session.scalars(users.order_by(*user_sorts).offset(skip).limit(size))]
    if groups is not None and len(found) < size:
        offset = max(0, skip - n_users)
        found += [dump_group(t, base_url, params=query.params) for t in
                  db.session.scalars(groups.order_by(*group_sorts).offset(offset).limit(size - len(found)))]
    return list_response(found, n_users + n_groups, query.page.start)


def _sorts(query: Query, allowed: dict) -> bool:
    return query.sort_by is not None and _attribute(query.sort_by) in allowed


def _slug_for(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56].strip("-") or "team"
    slug, n = base, 1
    while db.session.scalar(db.select(Team.id).where(Team.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _team_named(name: str) -> Team | None:
    return db.session.scalar(db.select(Team).where(db.func.lower(Team.name) == name.lower()).limit(1))


def _members(values) -> list[User]:
    """The people a list of members names; an unknown id (or a team as a member) is refused."""
    people = []
    for member in values or []:
        value = (member.value or "").strip()
        if member.type not in (None, "User"):
            raise ScimError.of(InvalidValueException(), "A team's members are people, not groups.")
        user = _provisioned_user(value)
        if user is None:
            raise ScimError.of(InvalidValueException(), f"There is no user {value} to make a member.")
        people.append(user)
    return people


def _set_members(team: Team, people: list[User]) -> None:
    keep = {p.id for p in people}
    for member in _visible_members(team):
        if member.id not in keep:
            member.team = None
    for person in people:
        person.team = team


def _write_group(team: Team, group: Group) -> None:
    """Write a checked Group onto a team: name, externalId, members. Every check comes first."""
    name = (group.display_name or "").strip()
    if not name:
        raise ScimError.of(InvalidValueException(), "A Group needs a displayName (the team's name).")
    if len(name) > 120:
        raise ScimError.of(InvalidValueException(), "A team's name has at most 120 characters.")
    other = _team_named(name)
    if other is not None and other.id != team.id:
        raise ScimError.of(UniquenessException(), f"A team named {name} already exists.")
    external_id = (group.external_id or "").strip()
    if len(external_id) > 255:
        raise ScimError.of(InvalidValueException(), "externalId has at most 255 characters.")
    people = _members(group.members)
    team.name, team.scim_external_id = name, external_id or None
    _set_members(team, people)


def create_group(data: dict) -> Team:
    """A new team; the name of a team detached by provisioning brings it back instead."""
    group = _validate(Group, data, Context.RESOURCE_CREATION_REQUEST)
    team = _team_named((group.display_name or "").strip())
    if team is not None and team.scim_removed_at is None:
        raise ScimError.of(UniquenessException(), f"A team named {team.name} already exists.")
    if team is None:
        team = Team(slug=_slug_for((group.display_name or "").strip()), name="")
        db.session.add(team)
    team.scim_removed_at = None
    _write_group(team, group)
    db.session.flush()
    return team


def replace_group(team: Team, data: dict) -> Team:
    _write_group(team, _validate(Group, data, Context.RESOURCE_REPLACEMENT_REQUEST))
    return team


def patch_group(team: Team, data: dict, base_url: str) -> Team:
    patch = _validate(PatchOp[Group], data, Context.RESOURCE_PATCH_REQUEST)
    group = group_resource(team, base_url)
    _patched(patch, group)
    _write_group(team, group)
    return team


def remove_group(team: Team, *, now=None) -> bool:
    """DELETE: the team's people leave it. A team nothing refers to any more is deleted; one with
    history (stories, feedback, figures, sub-teams, people removed by provisioning) is kept, detached
    from provisioning: SCIM no longer sees it, the app still does. Answers whether it was deleted."""
    _set_members(team, [])
    db.session.flush()
    if _referred_to(team):
        team.scim_removed_at = now or utcnow()
        return False
    team.managers = []
    db.session.delete(team)
    return True


def _referred_to(team: Team) -> bool:
    """Whether any row of any table refers to the team (the managers' list aside)."""
    for table in db.metadata.sorted_tables:
        if table.name == "team_managers":
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "teams" and fk.column.name == "id":
                if db.session.execute(db.select(fk.parent).where(fk.parent == team.id).limit(1)).first():
                    return True
    return False
