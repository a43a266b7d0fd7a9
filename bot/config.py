"""Settings from the environment and ``.env`` (pydantic-settings)."""

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


class Settings(BaseSettings):
    """Everything the bot reads from its environment; documented in ``.env.example``."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr
    db_path: Path = Path("data/bot.db")
    telegram_api_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    content_dir: Path = Path("content")
    log_level: str = "INFO"
    default_timezone: str = "Europe/Moscow"
    push_rate: float = Field(default=25.0, gt=0, le=1000)
    push_grace_hours: float = Field(default=3.0, ge=0, le=23)
    push_tick_seconds: float = Field(default=60.0, ge=0.2, le=60)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("не задан: получите токен у @BotFather и впишите его в .env")
        if not _TOKEN.match(value.get_secret_value().strip()):
            raise ValueError("токен должен выглядеть как 123456789:AA… (его выдаёт @BotFather)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _empty_is_default(cls, value: str | None) -> str | None:
        return value.rstrip("/") or None if value else None

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"неизвестный часовой пояс {value!r}") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _level_name(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL: DEBUG, INFO, WARNING, ERROR или CRITICAL")
        return value
