"""The options a search provider offers, described for the search panel and the command line (no Qt).

Each provider lists `SearchOptionSpec`s; a spec whose key is a SearchQuery field (`page_limit`,
`group_by`, `index_id`, `collection_id`) sets that field, any other key goes to `SearchQuery.options`.
`with_options` checks values against the specs and builds the query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from .base import Frozen
from .search import SearchQuery

OptionKind = Literal["choice", "multi", "integer", "text"]
OptionValue = str | int | tuple[str, ...]
QUERY_FIELDS = frozenset({"page_limit", "group_by", "index_id", "collection_id"})


class OptionChoice(Frozen):
    value: str
    label: str


class SearchOptionSpec(Frozen):
    key: str
    label: str
    kind: OptionKind
    default: OptionValue | None = None
    choices: tuple[OptionChoice, ...] = ()
    minimum: int | None = None
    """integer: the smallest value; multi: how many must be chosen at least."""
    maximum: int | None = None
    help: str = ""

    @property
    def sets_query_field(self) -> bool:
        return self.key in QUERY_FIELDS

    def check(self, value: object) -> OptionValue | None:
        """The value, converted and checked; ValueError naming the option and what it accepts."""
        if value is None or value == "":
            return None
        allowed = [choice.value for choice in self.choices]
        if self.kind == "integer":
            try:
                number = int(value)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                raise ValueError(f"{self.label}: {value!r} is not a whole number") from None
            if (self.minimum is not None and number < self.minimum) or (
                self.maximum is not None and number > self.maximum
            ):
                raise ValueError(f"{self.label}: {number} is out of range ({self.minimum}–{self.maximum})")
            return number
        if self.kind == "multi":
            values = (value,) if isinstance(value, str) else tuple(str(v) for v in value)  # type: ignore[union-attr]
            wrong = [v for v in values if allowed and v not in allowed]
            if wrong:
                raise ValueError(f"{self.label}: {', '.join(wrong)} not among {', '.join(allowed)}")
            if self.minimum and len(values) < self.minimum:
                raise ValueError(f"{self.label}: choose at least {self.minimum}")
            return values
        text = str(value)
        if self.kind == "choice" and allowed and text not in allowed:
            raise ValueError(f"{self.label}: {text!r} is not one of {', '.join(allowed)}")
        return text


def spec_for(specs: Iterable[SearchOptionSpec], key: str) -> SearchOptionSpec | None:
    return next((spec for spec in specs if spec.key == key), None)


def with_options(query: SearchQuery, specs: Iterable[SearchOptionSpec], values: Mapping[str, object]) -> SearchQuery:
    """The query with these option values set, each checked against its spec; unknown keys are refused."""
    specs = tuple(specs)
    fields: dict[str, object] = {}
    options = dict(query.options)
    for key, value in values.items():
        spec = spec_for(specs, key)
        if spec is None:
            known = ", ".join(s.key for s in specs) or "none"
            raise ValueError(f"{query.provider} has no search option {key!r} (it has: {known})")
        checked = spec.check(value)
        if spec.sets_query_field:
            fields[key] = checked
        elif checked is None:
            options.pop(key, None)
        else:
            options[key] = checked
    return query.model_copy(update={**fields, "options": options})


def defaults_of(specs: Iterable[SearchOptionSpec]) -> dict[str, OptionValue]:
    """Each option's default, as `with_options` takes them."""
    return {spec.key: spec.default for spec in specs if spec.default is not None}


GROUP_BY = SearchOptionSpec(
    key="group_by", label="Grouping", kind="choice", default="clip",
    choices=(OptionChoice(value="clip", label="Each moment"), OptionChoice(value="video", label="By clip")),
    help="by clip: a clip's moments together, under one heading",
)


def page_limit_spec(default: int, maximum: int) -> SearchOptionSpec:
    return SearchOptionSpec(
        key="page_limit", label="Results per page", kind="integer", default=default, minimum=1, maximum=maximum,
    )


LOCAL_SEARCH_OPTIONS: tuple[SearchOptionSpec, ...] = (page_limit_spec(20, 200), GROUP_BY)
"""What a provider without options of its own offers (the local catalogue)."""
