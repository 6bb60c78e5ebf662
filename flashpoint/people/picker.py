"""People pickers on forms (heroes, implementers, team managers): what the page needs to show one.

A picker never lists everyone. The page shows the people already chosen, each a ticked checkbox
posting the form's own field (`heroes`, `implementers`, `managers`), and a search box:

- with script, `static/js/people-picker.js` turns it into a search-as-you-type combobox over
  `/people/search` and the ticked boxes into removable chips carrying hidden inputs;
- without script, the `<noscript>` part of `templates/_people_picker.html` offers a search field and
  a *Find* button (`name="find"`, value the field's name). *Find* posts the form back with
  everything typed so far; the view sees `finding()` and shows the form again, unsaved, with the
  people found (or, before anything is typed, the person's own team) as boxes to tick. The same
  search answers both, at most `limit` people.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.people.search import DEFAULT_LIMIT, MAX_EXCLUDED, Found, search_people

FIND = "find"


@dataclass
class Picker:
    name: str                 # the form field that carries the chosen ids
    chosen: list[User]        # in the order chosen, deactivated people included (the form says so)
    query: str = ""           # what the no-script search field holds
    found: Found = field(default_factory=lambda: Found([], False))
    roles: tuple[str, ...] = ()
    exclude: list[int] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT


def finding(formdata) -> str | None:
    """The picker whose no-script *Find* button posted the form, if any: nothing is saved then."""
    return (formdata.get(FIND) or None) if formdata is not None else None


def chosen_ids(values) -> list[int]:
    """The ids a form carries, in order, once each; anything that is not an id is left out (the
    service refusing an unknown id says so)."""
    ids = []
    for value in values or ():
        if isinstance(value, int) or str(value).strip().isdigit():
            ids.append(int(value))
    return list(dict.fromkeys(ids))


def people_by_ids(ids: list[int]) -> list[User]:
    """These people with their teams, in the order given (two statements, none when there are none)."""
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(ids)).options(selectinload(User.team)))}
    return [found[i] for i in ids if i in found]


def build(viewer: User, name: str, values, *, formdata=None, roles=(), exclude=(),
          chosen: list[User] | None = None) -> Picker:
    """The picker for field `name`, with the people `values` names chosen (or `chosen`, already
    loaded). `exclude` is never offered (e.g. the nominator); `roles` keeps only those roles. The
    no-script list: what the person searched for, else their own team."""
    ids = chosen_ids(values)
    people = chosen if chosen is not None else people_by_ids(ids)
    exclude = [i for i in chosen_ids(exclude)]
    query = " ".join(((formdata or {}).get(f"{name}-q") or "").split())[:100]
    offered_not = list(dict.fromkeys([*exclude, *ids]))[:MAX_EXCLUDED]
    found = search_people(viewer, query, roles=roles, exclude=offered_not)
    return Picker(name=name, chosen=people, query=query, found=found, roles=tuple(roles), exclude=exclude)
