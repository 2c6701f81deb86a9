"""Interface varieties: academies and people move from "pt"/"es" to pt_BR, pt_PT, es, es_419

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 19:30:00

The interface speaks seven locales (es, es_419, pt_BR, pt_PT, fr, it, en) where it spoke five;
course content stays in five languages. No column changes (String(8) holds "es_419"): an
academy's default follows its country, a person's saved "pt" or "es" becomes their academy's
variety of that language (else pt_PT / es, as a browser's plain "pt" or "es" does).
"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

LATIN_AMERICA = ("AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX", "NI", "PA",
                 "PE", "PR", "PY", "SV", "US", "UY", "VE")


def upgrade():
    latin = ", ".join(f"'{code}'" for code in LATIN_AMERICA)
    op.execute("UPDATE academies SET default_locale = 'pt_BR' "
               "WHERE default_locale = 'pt' AND country = 'BR'")
    op.execute("UPDATE academies SET default_locale = 'pt_PT' WHERE default_locale = 'pt'")
    op.execute("UPDATE academies SET default_locale = 'es_419' "
               f"WHERE default_locale = 'es' AND country IN ({latin})")
    for language, varieties in (("pt", "'pt_BR', 'pt_PT'"), ("es", "'es', 'es_419'")):
        op.execute(
            f"UPDATE users SET locale = (SELECT a.default_locale FROM academies a "
            f"WHERE a.id = users.academy_id) WHERE locale = '{language}' AND academy_id IN "
            f"(SELECT id FROM academies WHERE default_locale IN ({varieties}))")
    op.execute("UPDATE users SET locale = 'pt_PT' WHERE locale = 'pt'")


def downgrade():
    for variety, language in (("pt_BR", "pt"), ("pt_PT", "pt"), ("es_419", "es")):
        op.execute(f"UPDATE academies SET default_locale = '{language}' "
                   f"WHERE default_locale = '{variety}'")
        op.execute(f"UPDATE users SET locale = '{language}' WHERE locale = '{variety}'")
