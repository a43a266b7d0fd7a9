"""Each source format is read into whole questions and answers, with the noise left out."""

from pathlib import Path

import pytest

from bot.content.detect import UnknownFormatError, detect_format
from bot.content.formats import copy_paste, markdown_article, telegram_export, web_preview
from bot.content.formats.post import RawPost


def _read(sources_dir: Path, name: str) -> str:
    return (sources_dir / name).read_text(encoding="utf-8")


def _by_question(posts: list[RawPost]) -> dict[str, RawPost]:
    return {p.question: p for p in posts}


def test_web_preview_reads_posts_with_and_without_reaction_lines(sources_dir: Path) -> None:
    posts = _by_question(web_preview.read(_read(sources_dir, "web_preview.txt")))

    gd = posts["Что такое градиентный спуск?"]
    assert gd.answer == (
        "Градиентный спуск — итеративный метод оптимизации.\n\n"
        "Шаг делается против градиента: w ← w − η·∇L, где η < 1 & η > 0."
    )
    assert gd.tags == ["глубокое_обучение"]
    bagging = posts["Что такое бэггинг?"]
    assert bagging.answer == "Бэггинг обучает модели на бутстреп-выборках и усредняет их."
    assert bagging.tags == ["машинное_обучение", "junior"]
    batchnorm = posts["Как устроен BatchNorm?"]
    assert batchnorm.answer.startswith("▪️Нормализация.")
    assert batchnorm.answer.endswith("Обучаемые γ и β.")
    assert "👍" not in batchnorm.answer


def test_web_preview_marks_bare_questions_and_ads_as_skipped(sources_dir: Path) -> None:
    posts = web_preview.read(_read(sources_dir, "web_preview.txt"))
    skipped = {p.question: p.skip_reason for p in posts if p.skip_reason}

    assert skipped["Пробовали ли вы обучить LLM на своих данных?"] == "нет ответа"
    assert skipped["Расскажите о вашем опыте с Kaggle?"] == "нет ответа"
    ad = next(q for q in skipped if "Вебинар" in q)
    assert "реклама" in str(skipped[ad])
    assert not any("subscribers" in p.question or "Download" in p.question for p in posts)


def test_copy_paste_keeps_the_whole_copy_of_each_answer(sources_dir: Path) -> None:
    posts = _by_question(copy_paste.read(_read(sources_dir, "copy_paste.txt")))

    assert list(posts) == [
        "Что такое ROC AUC?",
        "Объясните механизм attention",
        "Что такое эмбеддинг?",
        "Что такое dropout?",
        "Что такое learning rate?",
    ]
    assert posts["Что такое ROC AUC?"].answer == (
        "ROC AUC — площадь под ROC-кривой.\nПоказывает качество ранжирования."
    )
    assert posts["Что такое ROC AUC?"].tags == ["машинное_обучение", "middle"]
    # The second copy is shorter: the first, whole one wins.
    assert posts["Объясните механизм attention"].answer.endswith(
        "Так модель смотрит на нужные токены."
    )
    # No hashtags: the copies are told apart by the repeated first line.
    assert posts["Что такое эмбеддинг?"].answer == (
        "Эмбеддинг — плотное векторное представление объекта.\n"
        "Похожие объекты получают близкие векторы."
    )
    # A post without a reaction line ends after its second hashtag run.
    assert posts["Что такое dropout?"].answer == (
        "Dropout случайно отключает нейроны во время обучения."
    )


def test_markdown_article_drops_numbering_and_answer_prefix(sources_dir: Path) -> None:
    posts = markdown_article.read(_read(sources_dir, "article.md"))

    assert [p.question for p in posts] == [
        "Что такое функция активации?",
        "Каковы методы снижения переобучения?",
        "Что такое точность (precision)?",
    ]
    assert (
        posts[0].answer
        == "Функция активации вносит нелинейность.\n\nПримеры: ReLU, сигмоида, tanh."
    )
    assert posts[1].answer.startswith("Регуляризация : штраф")
    assert posts[1].answer.endswith("Ранняя остановка : остановка по валидации.")
    assert "<положительных>" in posts[2].answer


def test_telegram_export_reads_entities_and_skips_non_questions(sources_dir: Path) -> None:
    posts = telegram_export.read(_read(sources_dir, "result.json"))
    questions = {p.question: p for p in posts if not p.skip_reason}
    reasons = sorted(str(p.skip_reason) for p in posts if p.skip_reason)

    assert set(questions) == {"Что такое переобучение?", "Как работает k-means?"}
    kmeans = questions["Как работает k-means?"]
    assert kmeans.tags == ["машинное_обучение", "junior"]
    assert kmeans.answer == (
        "Алгоритм чередует два шага:\n1. Назначает точки ближайшему центру.\n"
        "2. Пересчитывает центры."
    )
    assert reasons == ["не вопрос (объявление или реклама)", "опрос", "фото без текста"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web_preview.txt", "web_preview"),
        ("copy_paste.txt", "copy_paste"),
        ("article.md", "markdown_article"),
        ("result.json", "telegram_export"),
    ],
)
def test_format_is_detected_from_content(sources_dir: Path, name: str, expected: str) -> None:
    assert detect_format(_read(sources_dir, name)) == expected


@pytest.mark.parametrize(
    "text", ["", "   \n\n", "\x00\x01\x02binary", "просто одна строка текста без структуры"]
)
def test_unknown_content_is_refused(text: str) -> None:
    with pytest.raises(UnknownFormatError):
        detect_format(text)


def test_broken_json_is_refused() -> None:
    with pytest.raises(telegram_export.ExportError):
        telegram_export.read('{"messages": [')
