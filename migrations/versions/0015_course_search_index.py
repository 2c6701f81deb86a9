"""Course search by words: a trigram index on the texts' search column (PostgreSQL's pg_trgm)

The catalogue finds courses whose title or summary (in the reader's language, else the course's
default) holds every word typed, in any order, accents and case aside: one LIKE '%word%' per word.
On PostgreSQL a GIN trigram index serves those; SQLite gets a plain index (unused by them).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 15:00:00

"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        op.create_index('ix_course_texts_search_text', 'course_texts', ['search_text'])
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # a trusted extension (PG 13+)
    # The operator class lives in the extension's schema, which may not be on the search path.
    schema = bind.exec_driver_sql("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                  "WHERE extname = 'pg_trgm'").scalar()
    op.create_index('ix_course_texts_search_text', 'course_texts', ['search_text'],
                    postgresql_using='gin',
                    postgresql_ops={'search_text': f'{schema}.gin_trgm_ops'})


def downgrade():
    op.drop_index('ix_course_texts_search_text', table_name='course_texts')
