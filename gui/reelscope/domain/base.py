"""The base of every domain value, and its JSON text."""

from __future__ import annotations

import json
from typing import Self

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticSerializationError


class Frozen(BaseModel):
    """Immutable value object; unknown fields are rejected so wire drift is caught early."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        """Compact JSON; a file name that is not valid UTF-8 is kept losslessly as \\udcXX escapes."""
        try:
            return self.model_dump_json(by_alias=True)
        except PydanticSerializationError:  # lone surrogates: a name the file system allows, UTF-8 does not
            return json.dumps(self.model_dump(mode="json", by_alias=True), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        try:
            return cls.model_validate_json(text)
        except ValidationError as error:
            if not any(detail["type"] == "json_invalid" for detail in error.errors()):
                raise
            return cls.model_validate(json.loads(text))
