"""Sealing (flashpoint/sealing.py): what a database reader must not read opens only with the app's
key, for the purpose it was sealed for, and still opens after the key is rotated into
SECRET_KEY_FALLBACKS."""
from __future__ import annotations

import pytest

from flashpoint import sealing


def test_a_sealed_value_opens_only_for_its_purpose_and_never_looks_the_same_twice(app):
    first, second = sealing.seal_text("a", "the secret"), sealing.seal_text("a", "the secret")
    assert first != second and "the secret" not in first
    assert sealing.unseal_text("a", first) == sealing.unseal_text("a", second) == "the secret"
    with pytest.raises(sealing.Unsealable):
        sealing.unseal_text("b", first)
    with pytest.raises(sealing.Unsealable):
        sealing.unseal_text("a", first[:-4] + "AAAA")
    with pytest.raises(sealing.Unsealable):
        sealing.unseal_text("a", "not sealed at all")


def test_a_rotated_key_still_opens_what_it_sealed_when_kept_as_a_fallback(app, monkeypatch):
    sealed = sealing.seal_text("a", "kept")
    old = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "a brand new key")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    with pytest.raises(sealing.Unsealable):
        sealing.unseal_text("a", sealed)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old])
    assert sealing.unseal_text("a", sealed) == "kept"
    # New seals use the new key.
    assert sealing.unseal_text("a", sealing.seal_text("a", "new")) == "new"
