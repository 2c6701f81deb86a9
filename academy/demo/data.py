"""The demo: real member academies of the Prison Academies Network and people to try it with.

The academies are real institutions of the network; the people are invented.
"""
from __future__ import annotations

DEMO_PASSWORD = "campus-demo"  # demo data only; printed by the README, never used in production

ACADEMIES = [
    {"slug": "es-cep", "country": "ES", "default_locale": "es", "prefix": "es",
     "names": {"es": "Centro de Estudios Penitenciarios",
               "en": "Centre for Prison Studies (Spain)",
               "fr": "Centre d'études pénitentiaires (Espagne)",
               "pt": "Centro de Estudos Penitenciários (Espanha)",
               "it": "Centro di Studi Penitenziari (Spagna)"}},
    {"slug": "pt-dgrsp", "country": "PT", "default_locale": "pt", "prefix": "pt",
     "names": {"pt": "Direção-Geral de Reinserção e Serviços Prisionais – Formação",
               "es": "Dirección General de Reinserción y Servicios Penitenciarios (Portugal)",
               "en": "Directorate-General for Reintegration and Prison Services (Portugal)"}},
    {"slug": "fr-enap", "country": "FR", "default_locale": "fr", "prefix": "fr",
     "names": {"fr": "École nationale d'administration pénitentiaire (ENAP)",
               "en": "National School of Prison Administration (ENAP, France)",
               "es": "Escuela Nacional de Administración Penitenciaria (ENAP, Francia)"}},
    {"slug": "it-ssep", "country": "IT", "default_locale": "it", "prefix": "it",
     "names": {"it": "Scuola Superiore dell'Esecuzione Penale «Piersanti Mattarella»",
               "en": "Higher School of Penal Enforcement (Italy)",
               "es": "Escuela Superior de Ejecución Penal (Italia)"}},
    {"slug": "br-espen", "country": "BR", "default_locale": "pt", "prefix": "br",
     "names": {"pt": "Escola Nacional de Serviços Penais (ESPEN)",
               "es": "Escuela Nacional de Servicios Penales (ESPEN, Brasil)",
               "en": "National School of Penal Services (ESPEN, Brazil)"}},
    {"slug": "co-epn", "country": "CO", "default_locale": "es", "prefix": "co",
     "names": {"es": "Escuela Penitenciaria Nacional «Enrique Low Murtra» (INPEC)",
               "en": "National Prison School «Enrique Low Murtra» (INPEC, Colombia)"}},
    {"slug": "ar-epn", "country": "AR", "default_locale": "es", "prefix": "ar",
     "names": {"es": "Escuela Penitenciaria de la Nación (Servicio Penitenciario Federal)",
               "en": "National Prison School (Federal Prison Service, Argentina)"}},
    {"slug": "cr-ecp", "country": "CR", "default_locale": "es", "prefix": "cr",
     "names": {"es": "Escuela de Capacitación Penitenciaria",
               "en": "Prison Training School (Costa Rica)"}},
    {"slug": "cl-gendarmeria", "country": "CL", "default_locale": "es", "prefix": "cl",
     "names": {"es": "Escuela Institucional de Gendarmería de Chile",
               "en": "Gendarmería de Chile Training School"}},
    {"slug": "pe-cenecp", "country": "PE", "default_locale": "es", "prefix": "pe",
     "names": {"es": "Centro Nacional de Estudios Criminológicos y Penitenciarios (INPE)",
               "en": "National Centre for Criminological and Prison Studies (INPE, Peru)"}},
]

# Invented people: an academy admin, an instructor and trainees for each academy.
PEOPLE = {
    "es": ["Carmen Ortega Ruiz", "Javier Montoya Sanz", "Lucía Fernández Gil",
           "Álvaro Núñez Pérez", "Begoña Iñíguez Martín"],
    "pt": ["Helena Carvalho", "Rui Gonçalves", "Inês Araújo", "João Simões", "Conceição Brás"],
    "fr": ["Sophie Lefèvre", "Mathieu Garnier", "Chloé Bérard", "Noël Dufresne", "Anaïs Roché"],
    "it": ["Giulia Esposito", "Marco De Luca", "Chiara Ricci", "Niccolò Fabbri", "Francesca Galli"],
    "br": ["Ana Paula Souza", "Rafael Nascimento", "Luana Conceição", "Thiago Araújo",
           "Fernanda Lima"],
    "co": ["Diana Marcela Rojas", "Andrés Felipe Gómez", "Paola Andrea Cárdenas",
           "Julián Esteban Muñoz", "Yesenia Quiñónez"],
    "ar": ["Mariela Benítez", "Gustavo Ibáñez", "Florencia Ríos", "Matías Peña", "Agustina Sosa"],
    "cr": ["Silvia Mora Vargas", "Esteban Solís Rojas", "Marianela Jiménez", "Randall Quesada",
           "Yorleny Chaves"],
    "cl": ["Valentina Contreras", "Cristóbal Fuentes", "Javiera Muñoz", "Sebastián Tapia",
           "Constanza Reyes"],
    "pe": ["Rosa Huamán Quispe", "Jorge Mamani Condori", "Milagros Chávez", "Renzo Villanueva",
           "Katherine Salazar"],
}

NETWORK_STAFF = [
    {"username": "admin", "display_name": "Administración de Campus", "roles": ["site_admin"],
     "locale": "es"},
    {"username": "coordinator", "display_name": "Laura Méndez Ortega", "roles": ["coordinator"],
     "locale": "es"},
]

# Invented graduates: trainees of each academy who completed the Mandela Rules course, grouped in
# a cohort, waiting for a coordinator to issue their certificates.
GRADUATES = {
    "es": ["Marta Ibáñez Soler", "Óscar Lázaro Peña", "Ainhoa Zubiría Ortiz"],
    "pt": ["Beatriz Magalhães", "Tomás Conceição", "Leonor Patrício"],
    "fr": ["Élodie Marchand", "François Lemaître", "Maëlle Guérin"],
    "it": ["Alessandro Cantù", "Federica Nicolò", "Piergiorgio Sàlvati"],
    "br": ["Gabriela Assunção", "Vinícius Brandão", "Letícia Antônia Pereira"],
    "co": ["Natalia Ordóñez", "Sebastián Peñaloza", "María José Caicedo"],
    "ar": ["Lucía Echeverría", "Ramiro Gutiérrez", "Sofía Zúñiga"],
    "cr": ["Adriana Jiménez Mora", "Mauricio Ramírez Solís", "Priscilla Ureña"],
    "cl": ["Catalina Muñoz Rivas", "Ignacio Pérez Araya", "Antonia Núñez Soto"],
    "pe": ["Yanet Ccori Huamán", "Edwin Ñahui Quispe", "Lucero Sánchez Ríos"],
}
# The cohort's name in each academy's language.
GRADUATE_COHORT = {"es": "Promoción 2026", "pt": "Turma de 2026", "fr": "Promotion 2026",
                   "it": "Corso 2026", "en": "2026 intake"}
# Certificate settings of the demo courses (by slug) and designs of two academies.
CERTIFICATE_POLICIES = {
    "mandela-rules-in-practice": {"issuance": "approval", "min_grade": None,
                                  "validity_months": 36, "shows_grade": False},
    "dynamic-security-and-intelligence": {"issuance": "automatic", "min_grade": 60,
                                          "validity_months": 24, "shows_grade": True},
    "alternatives-to-imprisonment": {"issuance": "automatic", "min_grade": None,
                                     "validity_months": None, "shows_grade": False},
}
CERTIFICATE_DESIGNS = {
    "es-cep": {"is_bilingual": True, "accent": "#7a1f2b", "signatures": [
        {"name": "Carmen Ortega Ruiz", "title": "Directora del Centro de Estudios Penitenciarios"},
        {"name": "Laura Méndez Ortega", "title": "Coordinadora de la Red de Academias Penitenciarias"}]},
    "fr-enap": {"is_bilingual": False, "accent": "#1f3d6b", "signatures": [
        {"name": "Sophie Lefèvre", "title": "Directrice de l'École nationale d'administration pénitentiaire"}]},
}
