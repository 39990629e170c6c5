"""The web page: one HTML document; its script and styles are served from /static."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from paybench import __version__
from paybench.normalize.components import COMPONENT_NAMES, COMPONENTS

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    """The page: search a role and a place, estimate, compare. Its choice of pay component
    lists the ids of `paybench.normalize.components` (base pay as the blank default)."""
    from jinja2 import Template

    text = resources.files("paybench.web").joinpath("templates/index.html").read_text(encoding="utf-8")
    components = [("" if c == "base" else c, COMPONENT_NAMES[c][:1].upper() + COMPONENT_NAMES[c][1:])
                  for c in COMPONENTS]
    return HTMLResponse(Template(text).render(version=__version__, components=components))
