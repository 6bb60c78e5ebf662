"""Listener modules, one per Slack surface, each with `register(bolt_app, flask_app)`.

`slack_bot.app.discover_listener_modules` finds them: add a file, nothing else to wire.
"""
