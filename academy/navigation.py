"""The main menu: the links the domains declare (each in its navigation.py), the menu the app
factory puts together from them, and the links one person sees. It imports no domain: who sees
a link is the declaring domain's policy."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import LazyString

MENU_KEY = "academy.menu"


@dataclass(frozen=True)
class NavItem:
    label: LazyString | str
    url: str
    is_current: bool


@dataclass(frozen=True)
class Link:
    """One entry of the menu: its label, its page, and who sees it (everyone when `shown_to` is
    None; else `shown_to(user)`, or `shown_to(user, academy)` for an academy's link)."""
    label: LazyString | str
    endpoint: str
    shown_to: Callable[..., bool] | None = None

    def is_shown_to(self, *subjects: Any) -> bool:
        return self.shown_to is None or bool(self.shown_to(*subjects))


@dataclass(frozen=True)
class Menu:
    """The menu's links in the order shown: for everyone, for a signed-in person, and once for
    each academy the person administers (`academies(user)` names them)."""
    everyone: list[Link] = field(default_factory=list)
    signed_in: list[Link] = field(default_factory=list)
    academies: Callable[[Any], Iterable[Any]] = lambda user: ()
    per_academy: list[Link] = field(default_factory=list)


def install_menu(app: Flask, menu: Menu) -> None:
    """Make `menu` the one main_navigation() reads in this app."""
    app.extensions[MENU_KEY] = menu


def nav_item(label: LazyString | str, endpoint: str, **values: Any) -> NavItem:
    """A link to `endpoint`, marked current on its page and on the pages under it."""
    url = url_for(endpoint, **values)
    inside = url != "/" and request.path.startswith(url.rstrip("/") + "/")
    return NavItem(label, url, request.path == url or inside)


def main_navigation(user) -> list[NavItem]:
    """Links for the pages this person may open."""
    menu: Menu = current_app.extensions[MENU_KEY]
    items = _links_for(menu.everyone, user)
    if not user.is_authenticated:
        return items
    items += _links_for(menu.signed_in, user)
    for academy in menu.academies(user):
        items += _links_for(menu.per_academy, user, academy)
    return items


def _links_for(links: Iterable[Link], user, academy=None) -> list[NavItem]:
    """The items of `links` this person sees (in this academy, when one is given)."""
    if academy is None:
        return [nav_item(link.label, link.endpoint) for link in links if link.is_shown_to(user)]
    return [nav_item(link.label, link.endpoint, academy_id=academy.id)
            for link in links if link.is_shown_to(user, academy)]
