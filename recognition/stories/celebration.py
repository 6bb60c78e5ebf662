"""Celebrating an approved story: the heroes channel (or, for private heroes, their managers) and a
note to each hero."""
from __future__ import annotations

from flashpoint.outbox.services import record_notification, varied
from recognition.channels import heroes_channel
from recognition.stories.models import HeroStory
from recognition.stories.quotes import hero_quote, public_quote


def celebrate(story: HeroStory) -> None:
    heroes = list(story.heroes)
    values = ", ".join(v.name for v in story.values)
    extra = {"story_id": story.id, "hero_ids": [h.id for h in heroes], "kind": story.kind,
             "values": [v.name for v in story.values]}
    summary = f"{story.hero_names} · {story.kind_label}" + (f" · {values}" if values else "")
    if not story.is_private:
        record_notification(
            "story.celebration", f"Hero story: {story.hero_names}"[:200], f"{summary}\n\n{story.text}",
            channel=heroes_channel(),
            link=f"/heroes/{story.id}", quote=public_quote(story),
            dedupe_key=f"story.celebration:{story.id}", extra=extra,
        )
    else:
        # Private recognition: the heroes (below) and their managers hear, nobody else.
        managers = {m.id: m for hero in heroes for m in hero.managers() if m.id not in extra["hero_ids"]}
        for manager in managers.values():
            record_notification(
                "story.celebration", f"Hero story (private): {story.hero_names}"[:200],
                f"{summary}\n\n{story.text}\n\n(Recognised privately, at the hero's wish.)",
                recipient=manager, link=f"/heroes/{story.id}", quote=hero_quote(story),
                dedupe_key=f"story.celebration:{story.id}:{manager.id}", extra={**extra, "private": True},
            )
    for hero in heroes:
        text = varied("story.hero_note", hero, [
            "You are a hero! {nominator} told your story and it has been approved.",
            "Your colleagues noticed: {nominator}'s hero story about you is live.",
            "A hero story about you has just been celebrated. Thank you!",
        ], nominator=story.nominator.name if story.nominator else "A colleague")
        record_notification(
            "story.hero_note", "A hero story about you", f"{text}\n\n{story.text}", recipient=hero,
            link=f"/heroes/{story.id}", quote=hero_quote(story),
            dedupe_key=f"story.hero_note:{story.id}:{hero.id}", extra={**extra, "private": story.is_private},
        )
