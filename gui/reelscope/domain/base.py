from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable value object; unknown fields are rejected so wire drift is caught early."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
