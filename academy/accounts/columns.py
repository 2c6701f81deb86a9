"""The names a spreadsheet may give a person's columns and roles, in the network's five
languages: academies keep their files in their own language ("usuario", "nome", "rôle",
"formando"), and the platform's English keys always work too."""
from __future__ import annotations

from academy.accounts.roles import ACADEMY_ADMIN, INSTRUCTOR, TRAINEE
from academy.i18n import sort_key

# key: the names a header may use for it (compared without accents, case, spaces or hyphens).
COLUMN_NAMES = {
    "username": ("username", "user", "login", "usuario", "nombre de usuario", "utilizador",
                 "nome de utilizador", "usuario", "nome de usuario", "identifiant",
                 "nom d'utilisateur", "nome utente", "utente"),
    "display_name": ("display name", "name", "full name", "nombre", "nombre completo", "nome",
                     "nome completo", "nom", "nom complet", "nome e cognome"),
    "email": ("email", "e-mail", "mail", "correo", "correo electronico", "endereco de email",
              "courriel", "adresse e-mail", "adresse electronique", "posta elettronica"),
    "role": ("role", "rol", "papel", "funcao", "perfil", "ruolo"),
    "locale": ("locale", "language", "idioma", "lengua", "lingua", "langue"),
    "staff_number": ("staff number", "numero de personal", "legajo", "matricula",
                     "numero de funcionario", "matricule", "numero de matricule",
                     "numero di matricola", "matricola"),
}
ROLE_NAMES = {
    TRAINEE: ("trainee", "alumno", "alumna", "estudiante", "cadete", "cursante", "aluno", "aluna",
              "formando", "formanda", "cadete", "stagiaire", "eleve", "allievo", "allieva",
              "discente", "corsista", "cursista"),
    INSTRUCTOR: ("instructor", "instructora", "instrutor", "instrutora", "profesor", "profesora",
                 "docente", "formador",
                 "formadora", "professor", "professora", "instructeur", "instructrice",
                 "formateur", "formatrice", "istruttore", "istruttrice", "formatore",
                 "formatrice"),
    ACADEMY_ADMIN: ("academy admin", "academy administrator", "admin", "administrador",
                    "administradora", "administrador de la academia", "administrador da academia",
                    "administrateur", "administratrice", "administrateur de l'academie",
                    "amministratore", "amministratrice", "amministratore dell'accademia"),
}


def _plain(name: str) -> str:
    return " ".join(sort_key(name).replace("_", " ").replace("-", " ").split())


_COLUMNS = {_plain(name): key for key, names in COLUMN_NAMES.items() for name in names}
_ROLES = {_plain(name): key for key, names in ROLE_NAMES.items() for name in names}


def column_key(header: str) -> str:
    """The platform's key for a header cell ("Nombre de usuario" -> "username"), or the header
    itself, plainly written, if it names no column."""
    return _COLUMNS.get(_plain(header), _plain(header).replace(" ", "_"))


def role_key(value: str) -> str:
    """The platform's key for a role as a file writes it ("Formando" -> "trainee"), or the value
    itself, plainly written, if it names no role."""
    return _ROLES.get(_plain(value), _plain(value).replace(" ", "_"))
