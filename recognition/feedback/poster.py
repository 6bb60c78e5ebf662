"""QR codes for a team's feedback form, drawn locally with segno (no outside service sees the URL)."""
from __future__ import annotations

import io

import segno


def qr_code(url: str, kind: str) -> tuple[bytes, str]:
    """The code as SVG or PNG bytes with its MIME type. Level M survives a little wear on a counter."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if kind == "png":
        code.save(buffer, kind="png", scale=12, border=4)
        return buffer.getvalue(), "image/png"
    # An SVG with a viewBox and no fixed size scales to whatever the poster's CSS gives it.
    code.save(buffer, kind="svg", scale=1, border=4, xmldecl=False, svgns=True, omitsize=True,
              title="QR code for the feedback form")
    return buffer.getvalue(), "image/svg+xml"
