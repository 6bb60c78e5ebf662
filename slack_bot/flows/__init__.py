"""Slack-specific sequences a listener starts, one module per area, and the modal answers they give.

A flow opens a modal with its data, or saves one, then keeps the messages and the App Home true;
the rules stay in the domains' services.

A modal's outcome is returned as the keywords of Bolt's `ack()`: `errors(...)` or `update(...)`.
"""


def errors(by_block: dict) -> dict:
    """Show these messages under the modal's blocks (block_id → text)."""
    return {"response_action": "errors", "errors": by_block}


def update(view: dict) -> dict:
    """Replace the submitted modal with `view`."""
    return {"response_action": "update", "view": view}
