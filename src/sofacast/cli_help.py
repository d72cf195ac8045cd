"""How `--help` shows each parameter: what a user types, not the Python type behind it.

Typer 0.29 labels every parameter with its annotation (`<bool>` on a flag, `<list[str]>`, `<path>`).
Flags take no value, so they get no label; other parameters get click's familiar TEXT, INTEGER, PATH.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

_LABELS: dict[Any, str] = {int: "INTEGER", float: "NUMBER", Path: "PATH"}


def _label(param: TyperArgument | TyperOption) -> str | None:
    if isinstance(param, TyperOption) and (param.is_flag or param.count):
        return None
    annotation = param.type_descriptor.annotation
    if get_origin(annotation) is list:  # a repeatable option or several arguments: label the element
        annotation = get_args(annotation)[0]
    return _LABELS.get(annotation, "TEXT")


class _PlainArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return _label(self)


class _PlainOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        return self.metavar if self.metavar is not None else _label(self)


def _plain(params: list[Any]) -> list[Any]:
    for param in params:
        # Same objects, a subclass that only changes how help labels them (typer offers no hook for this).
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument
        elif type(param) is TyperOption:
            param.__class__ = _PlainOption
    return params


class PlainHelpCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))


class PlainHelpGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))
