"""`plc products …`: list products, search the methodological base, show one, publish.

Products are made and reviewed in the console; these commands read them and publish an
approved one. `plc export base` writes the base as a catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from plc_console.cli.common import DbOption, settings_from, user_errors
from plc_console.config import Settings
from plc_console.db.engine import transaction
from plc_console.domain import ProductKind, ProductState
from plc_console.locale import Translator

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from plc_console.services.products_views import ProductDetail, ProductSummary

app = typer.Typer(
    help="Products: list, search the base, show, publish.\n\n"
    "Search finds published products by any form of a word ('урок' finds 'уроки', "
    "'уроков'); only approved products can be published.",
    no_args_is_help=True,
)

ProductId = Annotated[int, typer.Argument(metavar="ID", help="The product's number.")]
KindOption = Annotated[
    list[ProductKind] | None,
    typer.Option(
        "--kind", help="Only products of this kind (may be repeated).", show_default=False
    ),
]
TopicOption = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        metavar="KEY",
        help="Only products on this topic, e.g. engagement (may be repeated).",
        show_default=False,
    ),
]


@contextmanager
def session_for(settings: Settings, *, write: bool) -> Iterator[Session]:
    """A session on the chosen database: one transaction when writing."""
    from plc_console.services.database import open_database

    database = open_database(settings.db_url)
    try:
        if write:
            with transaction(database.sessions) as session:
                yield session
        else:
            with database.sessions() as session:
                yield session
    finally:
        database.engine.dispose()


def _line(p: ProductSummary, t: Translator) -> str:
    return (
        f"{p.id:>4}  {t.label(p.state):<20} {t.label(p.kind):<26} {p.title[:50]:<50} "
        f"{p.author_names[:40]}"
    ).rstrip()


@app.command(name="list")
def list_products(
    ctx: typer.Context,
    state: Annotated[
        list[ProductState] | None,
        typer.Option(
            "--state", help="Only products in this state (may be repeated).", show_default=False
        ),
    ] = None,
    kind: KindOption = None,
    topic: TopicOption = None,
    db: DbOption = None,
) -> None:
    """List products in every review state, the latest changed first.

    Each line: number, state, kind, title and authors."""
    from plc_console.services.products_read import list_products as read_list

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=False) as session:
        products = read_list(session, states=state or (), kinds=kind or (), topic_keys=topic or ())
    if not products:
        typer.echo(t("products.cli.none"))
    for product in products:
        typer.echo(_line(product, t))


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Words to find, in any form; empty lists the newest.")
    ] = "",
    kind: KindOption = None,
    topic: TopicOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most products shown.")] = 20,
    db: DbOption = None,
) -> None:
    """Search the methodological base (published products) by words, topic and kind.

    A product is found when it holds every word of the search, in any form, in its
    title, summary, authors or topics; words in the title rank it higher."""
    from plc_console.services.products_search import search_base

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=False) as session:
        hits = search_base(session, text, topic_keys=topic or (), kinds=kind or (), limit=limit)
    if not hits:
        typer.echo(t("products.cli.nothing_found"))
    for hit in hits:
        typer.echo(_line(hit.product, t))


@app.command()
def show(ctx: typer.Context, product_id: ProductId, db: DbOption = None) -> None:
    """Show a product: its fields, requests, history with review comments, feedback."""
    from plc_console.services.products_read import get_product
    from plc_console.services.reference import list_topics

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=False) as session:
        shown = get_product(session, product_id)
        names = {topic.key: topic.name(t.lang) for topic in list_topics(session)}
    for line in _describe(shown, t, names):
        typer.echo(line)


def _describe(shown: ProductDetail, t: Translator, topic_names: dict[str, str]) -> Iterator[str]:
    p = shown.summary
    yield t("products.cli.title", id=p.id, title=p.title)
    yield t("products.cli.kind_state", kind=p.kind, state=p.state)
    yield t("products.cli.authors", names=p.author_names or "—")
    if p.topic_keys:
        names = ", ".join(topic_names.get(k, k) for k in p.topic_keys)
        yield t("products.cli.topics", topics=names)
    if p.reviewer:
        yield t("products.cli.reviewer", name=p.reviewer)
    if p.link:
        yield t("products.cli.link", link=p.link)
    if p.published_at:
        yield t("products.cli.published", day=f"{p.published_at:%Y-%m-%d}")
    if shown.meeting_title:
        yield t("products.cli.meeting", title=shown.meeting_title)
    if p.summary:
        yield ""
        yield from (f"  {line}" for line in p.summary.splitlines())
        yield ""
    refs = [f"{r.number} ({t.label(r.stage)})" for r in shown.requests]
    if refs:
        yield t("products.cli.requests", numbers=", ".join(refs))
    answered = [f"{r.number} ({t.label(r.stage)})" for r in shown.answered]
    if answered:
        yield t("products.cli.answered", numbers=", ".join(answered))
    yield t("products.cli.history")
    for e in shown.events:
        moved = e.from_state is not None and e.to_state is not None
        states = f" ({t.value(e.from_state)} → {t.value(e.to_state)})" if moved else ""
        note = f": {e.note}" if e.note else ""
        yield f"  {e.at:%Y-%m-%d %H:%M}  {e.actor}  {t.label(e.kind)}{states}{note}"
    if shown.feedback:
        yield t("products.cli.feedback")
        for f in shown.feedback:
            comment = f" — {f.comment}" if f.comment else ""
            yield (
                f"  {f.contacted_on:%Y-%m-%d}  {f.request_number}  {t.label(f.usable)}, "
                f"{f.usefulness}/5{comment}"
            )


@app.command()
def publish(ctx: typer.Context, product_id: ProductId, db: DbOption = None) -> None:
    """Publish an approved product to the methodological base (refused otherwise)."""
    from plc_console.services.products_read import load_product
    from plc_console.services.products_review import publish as publish_product

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=True) as session:
        version = load_product(session, product_id).version
        done = publish_product(
            session, product_id, version, actor=settings.actor, lang=settings.lang
        )
    typer.echo(t("products.cli.published_now", id=done.id, title=done.title))
