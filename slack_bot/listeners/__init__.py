"""Listener modules, one per surface; each exposes `register(bolt_app, flask_app)` and is found
by `slack_bot.app.discover_listener_modules` (add a file, nothing else to wire)."""
