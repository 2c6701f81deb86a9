"""The platform's roles: held per academy or across the whole network (DESIGN.md section 1)."""
from academy.i18n import lazy_gettext as _l

TRAINEE = "trainee"
INSTRUCTOR = "instructor"
ACADEMY_ADMIN = "academy_admin"
COORDINATOR = "coordinator"
SITE_ADMIN = "site_admin"

ACADEMY_ROLES: tuple[str, ...] = (TRAINEE, INSTRUCTOR, ACADEMY_ADMIN)
NETWORK_ROLES: tuple[str, ...] = (COORDINATOR, SITE_ADMIN)

# i18n: names of the platform's roles, shown in navigation, lists and forms.
ROLE_LABELS = {
    TRAINEE: _l("Trainee"),
    INSTRUCTOR: _l("Instructor"),
    ACADEMY_ADMIN: _l("Academy administrator"),
    COORDINATOR: _l("Network coordinator"),
    SITE_ADMIN: _l("Site administrator"),
}
