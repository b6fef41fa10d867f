"""The methodological base: Russian word forms match, topic and kind narrow, only
published products are found; "someone has met this before" ranks products and past
requests. On SQLite (FTS5) and PostgreSQL (tsvector) alike."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from plc_console.domain import CloseReason, ProductKind, Stage
from plc_console.services import products as pr
from plc_console.services.products_search import search_base
from plc_console.services.products_similar import similar_to_request
from plc_console.services.products_text import product_search_text, stems
from plc_console.services.requests import close_request
from tests.conftest import NOW
from tests.unit.product_helpers import form, published, request


def test_word_forms_share_a_stem() -> None:
    assert set(stems("урок уроки уроков на уроках Уроками")) == {"урок"}
    assert stems("Дети и детей") == ["дет", "дет"]  # "и" is a stop word
    assert stems("Ёлка елки") == ["елк", "елк"]
    assert stems("lessons lesson") == ["lesson", "lesson"]
    assert product_search_text("Урок", "уроки", ["Урокова"], ["уроках"]).split() == [
        "урок",
        "уроков",  # the surname Урокова
    ]


@pytest.fixture
def base(session: Session) -> dict[str, int]:
    """Three published products and a draft."""
    made = {
        "lesson": published(
            session,
            form(
                "Организация урока в начальной школе",
                kind=ProductKind.GUIDE,
                summary="Как строить уроки, чтобы дети не уставали.",
                topics=("lesson_organisation",),
            ),
        ).id,
        "parents": published(
            session,
            form(
                "Диалог учителя с родителями",
                kind=ProductKind.ARTICLE,
                summary="Разговор о трудностях ребёнка на уроках без обвинений.",
                topics=("parents", "teacher_dialogue"),
            ),
            reviewer=None,
        ).id,
        "webinar": published(
            session,
            form(
                "Дети с ОВЗ в обычном классе",
                kind=ProductKind.WEBINAR,
                summary="Запись вебинара об адаптации заданий.",
                topics=("disabilities",),
            ),
        ).id,
    }
    made["draft"] = pr.create_product(
        session, form("Черновик про уроков подготовку"), actor="t", now=NOW
    ).id
    session.commit()
    return made


def _found(session: Session, words: str, **narrow: object) -> list[int]:
    return [hit.product.id for hit in search_base(session, words, **narrow)]  # type: ignore[arg-type]


@pytest.mark.parametrize("words", ["урок", "уроки", "уроков", "УРОКАМИ"])
def test_russian_word_forms_find_the_same_products(
    session: Session, base: dict[str, int], words: str
) -> None:
    found = _found(session, words)
    # The title's "урока" ranks its product first; the draft is not in the base.
    assert found == [base["lesson"], base["parents"]]


def test_every_word_must_match_and_the_index_is_used(
    session: Session, base: dict[str, int]
) -> None:
    assert _found(session, "ребёнка урокам") == [base["parents"]]
    assert _found(session, "детям") == [base["webinar"], base["lesson"]]
    assert _found(session, "урок математики") == []
    assert _found(session, "и на с") == _found(session, "")  # stop words only: everything
    if session.get_bind().dialect.name == "sqlite":
        indexed = session.execute(
            text("SELECT count(*) FROM products_search WHERE products_search MATCH 'урок'")
        ).scalar()
        assert indexed == 3  # the draft is indexed too; the service narrows to published


def test_topic_and_kind_narrow_the_search(session: Session, base: dict[str, int]) -> None:
    assert _found(session, "урок", topic_keys=("parents",)) == [base["parents"]]
    assert _found(session, "", kinds=(ProductKind.WEBINAR, ProductKind.GUIDE)) == [
        base["webinar"],
        base["lesson"],
    ]
    assert _found(session, "", topic_keys=("dnevnik",)) == []
    assert len(_found(session, "")) == 3


def test_similar_products_and_past_requests(session: Session, base: dict[str, int]) -> None:
    past = request(
        session,
        "Ребёнок с ОВЗ не справляется с заданиями в обычном классе",
        stage=Stage.DONE,
        topics=("disabilities",),
        contact="a@school.ru",
    )
    closed = request(
        session,
        "Ребёнок с ОВЗ, нужна адаптация заданий",
        topics=("disabilities",),
        contact="b@school.ru",
    )
    close_request(session, closed.id, closed.version, CloseReason.WITHDRAWN, actor="t", now=NOW)
    duplicate = request(session, "Ребёнок с ОВЗ не справляется с заданиями", contact="c@x.ru")
    close_request(
        session,
        duplicate.id,
        duplicate.version,
        CloseReason.DUPLICATE,
        actor="t",
        duplicate_of=past.id,
        now=NOW,
    )
    unrelated = request(
        session,
        "Как пользоваться электронным журналом",
        stage=Stage.DONE,
        topics=("dnevnik",),
        contact="d@x.ru",
    )
    asked = request(
        session,
        "Как адаптировать задания для детей с ОВЗ в классе?",
        topics=("disabilities",),
        contact="e@x.ru",
    )
    similar = similar_to_request(session, asked.id, limit=3)
    assert [s.product.id for s in similar.products][0] == base["webinar"]
    assert similar.products[0].shared_topic_keys == ("disabilities",)
    numbers = [r.number for r in similar.requests]
    assert set(numbers) == {past.number, closed.number}  # no duplicate, nothing unrelated
    assert unrelated.number not in numbers and duplicate.number not in numbers
    assert all(0 < s.score <= 1 for s in similar.products + similar.requests)  # type: ignore[operator]
