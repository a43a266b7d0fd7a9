"""Shared filters."""

from aiogram import F
from aiogram.enums import ChatType

PRIVATE = F.chat.type == ChatType.PRIVATE
