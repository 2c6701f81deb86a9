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
    {"slug": "pt-dgrsp", "country": "PT", "default_locale": "pt_PT", "prefix": "pt",
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
    {"slug": "br-espen", "country": "BR", "default_locale": "pt_BR", "prefix": "br",
     "names": {"pt": "Escola Nacional de Serviços Penais (ESPEN)",
               "es": "Escuela Nacional de Servicios Penales (ESPEN, Brasil)",
               "en": "National School of Penal Services (ESPEN, Brazil)"}},
    {"slug": "co-epn", "country": "CO", "default_locale": "es_419", "prefix": "co",
     "names": {"es": "Escuela Penitenciaria Nacional «Enrique Low Murtra» (INPEC)",
               "en": "National Prison School «Enrique Low Murtra» (INPEC, Colombia)"}},
    {"slug": "ar-epn", "country": "AR", "default_locale": "es_419", "prefix": "ar",
     "names": {"es": "Escuela Penitenciaria de la Nación (Servicio Penitenciario Federal)",
               "en": "National Prison School (Federal Prison Service, Argentina)"}},
    {"slug": "cr-ecp", "country": "CR", "default_locale": "es_419", "prefix": "cr",
     "names": {"es": "Escuela de Capacitación Penitenciaria",
               "en": "Prison Training School (Costa Rica)"}},
    {"slug": "cl-gendarmeria", "country": "CL", "default_locale": "es_419", "prefix": "cl",
     "names": {"es": "Escuela Institucional de Gendarmería de Chile",
               "en": "Gendarmería de Chile Training School"}},
    {"slug": "pe-cenecp", "country": "PE", "default_locale": "es_419", "prefix": "pe",
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

# Invented graduates: trainees of each academy who completed the Mandela Rules course in the last
# weeks, grouped in a cohort, waiting for a coordinator to issue their certificates.
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
# The network's vocabulary for the demo curricula's topics, approved by its coordinator.
TOPICS = {
    "alternatives": {"es": "Alternativas a la prisión", "pt": "Alternativas à prisão",
                     "fr": "Alternatives à l'incarcération", "en": "Alternatives to imprisonment",
                     "it": "Alternative al carcere"},
    "probation": {"es": "Libertad condicional y probatoria", "pt": "Liberdade condicional",
                  "fr": "Probation", "en": "Probation", "it": "Messa alla prova"},
    "reintegration": {"es": "Reinserción", "pt": "Reinserção", "fr": "Réinsertion",
                      "en": "Reintegration", "it": "Reinserimento"},
    "community-sanctions": {"es": "Penas en la comunidad", "pt": "Penas na comunidade",
                            "fr": "Peines en milieu ouvert", "en": "Community sanctions",
                            "it": "Misure di comunità"},
    "standards": {"es": "Normas internacionales", "pt": "Normas internacionais",
                  "fr": "Normes internationales", "en": "International standards",
                  "it": "Norme internazionali"},
    "security": {"es": "Seguridad", "pt": "Segurança", "fr": "Sécurité", "en": "Security",
                 "it": "Sicurezza"},
    "intelligence": {"es": "Inteligencia penitenciaria", "pt": "Inteligência prisional",
                     "fr": "Renseignement pénitentiaire", "en": "Prison intelligence",
                     "it": "Intelligence penitenziaria"},
    "violence-prevention": {"es": "Prevención de la violencia", "pt": "Prevenção da violência",
                            "fr": "Prévention de la violence", "en": "Violence prevention",
                            "it": "Prevenzione della violenza"},
    "dynamic-security": {"es": "Seguridad dinámica", "pt": "Segurança dinâmica",
                         "fr": "Sécurité dynamique", "en": "Dynamic security",
                         "it": "Sicurezza dinamica"},
    "risk-assessment": {"es": "Evaluación de riesgos", "pt": "Avaliação de riscos",
                        "fr": "Évaluation des risques", "en": "Risk assessment",
                        "it": "Valutazione del rischio"},
    "human-rights": {"es": "Derechos humanos", "pt": "Direitos humanos",
                     "fr": "Droits de l'homme", "en": "Human rights", "it": "Diritti umani"},
    "daily-practice": {"es": "Práctica diaria", "pt": "Prática diária",
                       "fr": "Pratique quotidienne", "en": "Daily practice",
                       "it": "Pratica quotidiana"},
}
GRADUATE_COHORT = {"es": "Promoción 2026", "pt": "Turma de 2026", "fr": "Promotion 2026",
                   "it": "Corso 2026", "en": "2026 intake"}
# Certificate settings of the demo courses (by slug) and designs of two academies.
CERTIFICATE_POLICIES = {
    "mandela-rules-in-practice": {"issuance": "approval", "min_grade": None,
                                  "validity_months": 36, "shows_grade": False},
    # A security qualification: renewed twice a year (so the months of activity show some expire).
    "dynamic-security-and-intelligence": {"issuance": "automatic", "min_grade": 60,
                                          "validity_months": 6, "shows_grade": True},
    "alternatives-to-imprisonment": {"issuance": "automatic", "min_grade": None,
                                     "validity_months": None, "shows_grade": False},
}
CERTIFICATE_DESIGNS = {
    "es-cep": {"is_bilingual": True, "accent": "#7a1f2b", "signatures": [
        {"name": "Carmen Ortega Ruiz", "title": "Directora del Centro de Estudios Penitenciarios"},
        {"name": "Laura Méndez Ortega",
         "title": "Coordinadora de la Red de Academias Penitenciarias"}]},
    "fr-enap": {"is_bilingual": False, "accent": "#1f3d6b", "signatures": [
        {"name": "Sophie Lefèvre",
         "title": "Directrice de l'École nationale d'administration pénitentiaire"}]},
}

# --- Months of activity (academy.demo.activity) -----------------------------------------------

# Name parts of each academy's further trainees (invented). Spanish-speaking academies but
# Argentina's give two surnames; Portugal and Brazil one or two.
FIRST_NAMES = {
    "es": ["Irene", "Pablo", "Nerea", "Sergio", "Rocío", "Íñigo", "Marina", "Raúl", "Elena",
           "Adrián", "Noelia", "Jesús", "Pilar", "Rubén", "Inmaculada", "Ángel", "Sonia", "Víctor"],
    "pt": ["Gonçalo", "Mariana", "Tiago", "Beatriz", "Duarte", "Carolina", "Rodrigo", "Margarida",
           "Afonso", "Catarina", "Diogo", "Sofia", "Bernardo", "Matilde", "Nuno", "Joana"],
    "fr": ["Léa", "Théo", "Camille", "Clément", "Amélie", "Baptiste", "Océane", "Jérôme", "Inès",
           "Loïc", "Margaux", "Rémi", "Célia", "Benoît", "Hélène", "Gaëtan", "Zoé", "Anthony"],
    "it": ["Lorenzo", "Martina", "Davide", "Sara", "Gabriele", "Alessia", "Matteo", "Elisa",
           "Riccardo", "Valentina", "Tommaso", "Ilaria", "Andrea", "Beatrice", "Salvatore",
           "Noemi"],
    "br": ["João Pedro", "Maria Eduarda", "Lucas", "Ana Clara", "Gustavo", "Júlia", "Matheus",
           "Larissa", "Felipe", "Camila", "Caio", "Bruna", "Rodrigo", "Patrícia", "Anderson",
           "Jéssica", "Wellington", "Daniela"],
    "co": ["Juan Camilo", "Laura Valentina", "Carlos Andrés", "Luisa Fernanda", "Jhon Jairo",
           "Daniela", "Óscar Iván", "Angélica María", "Wílmar", "Leidy Johana", "Sergio Alejandro",
           "Paula Andrea", "Édgar", "Marcela", "Yeison", "Viviana"],
    "ar": ["Agustín", "Micaela", "Facundo", "Camila", "Nicolás", "Julieta", "Lautaro", "Rocío",
           "Franco", "Milagros", "Tomás", "Belén", "Ezequiel", "Lucía", "Santiago", "Brenda"],
    "cr": ["Andrey", "Daniela", "Greivin", "Karla", "Minor", "Yendry", "Johnny", "Melissa",
           "Esteban", "Hazel", "Jeffry", "Natalia", "Álvaro", "Kimberly", "Rolando", "Wendy"],
    "cl": ["Benjamín", "Francisca", "Matías", "Catalina", "Diego", "Fernanda", "Felipe", "Daniela",
           "Joaquín", "Camila", "Rodrigo", "Macarena", "Patricio", "Trinidad", "Vicente", "Josefa"],
    "pe": ["Luis Alberto", "Gianella", "Jhonatan", "Rosa María", "Wilber", "Yesenia", "César",
           "Maribel", "Percy", "Lizbeth", "Hugo", "Nataly", "Alfredo", "Sheyla", "Fredy", "Karina"],
}
SURNAMES = {
    "es": ["García", "Martínez", "López", "Sánchez", "Romero", "Navarro", "Domínguez", "Vázquez",
           "Castaño", "Gallego", "Méndez", "Cortés", "Garrido", "Ibarra", "Muñoz", "Benítez",
           "Herrero", "Lozano"],
    "pt": ["Ferreira", "Sousa", "Mendes", "Lopes", "Correia", "Pinto", "Teixeira", "Moreira",
           "Antunes", "Fonseca", "Gaspar", "Brandão", "Valente", "Loureiro", "Assunção", "Pacheco"],
    "fr": ["Moreau", "Girard", "Faure", "Rousseau", "Mercier", "Perrin", "Leroy", "Lemoine",
           "Chevalier", "Boyer", "Gauthier", "Fabre", "Rivière", "Barbier", "Hébert", "Lefebvre"],
    "it": ["Romano", "Colombo", "Bruno", "Greco", "Marino", "Conti", "De Santis", "Lombardi",
           "Mancini", "Costa", "Fontana", "Caruso", "Ferri", "Rinaldi", "D'Angelo", "Barbieri"],
    "br": ["Silva", "Oliveira", "Santos", "Pereira", "Ribeiro", "Cavalcanti", "Rodrigues",
           "Almeida", "Nogueira", "Barbosa", "Carvalho", "Gomes", "Azevedo", "Monteiro", "Moraes",
           "Freitas"],
    "co": ["Ospina", "Quintero", "Restrepo", "Londoño", "Cárdenas", "Salazar", "Zapata", "Vélez",
           "Arango", "Betancur", "Patiño", "Córdoba", "Mosquera", "Ruiz", "Castaño", "Giraldo"],
    "ar": ["González", "Rodríguez", "Fernández", "Romero", "Álvarez", "Bianchi", "Ferrari",
           "Giménez", "Acosta", "Medina", "Herrera", "Aguirre", "Sosa", "Molina", "Domínguez",
           "Ledesma"],
    "cr": ["Mora", "Vargas", "Jiménez", "Solís", "Chaves", "Quesada", "Rojas", "Araya", "Alfaro",
           "Calderón", "Zúñiga", "Barrantes", "Arias", "Salas", "Ulate", "Madrigal"],
    "cl": ["González", "Muñoz", "Rojas", "Díaz", "Soto", "Contreras", "Silva", "Martínez",
           "Sepúlveda", "Morales", "Araya", "Espinoza", "Valenzuela", "Castillo", "Tapia",
           "Fuentealba"],
    "pe": ["Quispe", "Mamani", "Huamán", "Flores", "Condori", "Ccahuana", "Choque", "Ramos",
           "Torres", "Vásquez", "Gutiérrez", "Rojas", "Apaza", "Cusi", "Paredes", "Ticona"],
}
# How many surnames a name takes (a choice of counts, drawn at random).
SURNAME_COUNTS = {"es": (2,), "co": (2,), "cr": (2,), "cl": (2,), "pe": (2,), "ar": (1,),
                  "pt": (1, 2), "br": (1, 2), "fr": (1,), "it": (1,)}

# Each academy's further trainees: how many, their time zone (hours from UTC, so they study in
# working hours), the chance that one of them follows each course (by slug: an academy's own
# adopted copy stands for the shared original), and the cohort enrolled together by the
# academy's staff (the course, how many days ago, how many people, its name).
ACTIVITY = {
    "es": {"trainees": 18, "utc_offset": 1,
           "courses": {"mandela-rules-in-practice": 0.7, "dynamic-security-and-intelligence": 0.35,
                       "alternatives-to-imprisonment": 0.15},
           "cohort": ("mandela-rules-in-practice", 214, 7, "Formación continua · grupo A")},
    "pt": {"trainees": 12, "utc_offset": 0,
           "courses": {"mandela-rules-in-practice": 0.3, "alternatives-to-imprisonment": 0.25,
                       "dynamic-security-and-intelligence": 0.15},
           "cohort": ("alternatives-to-imprisonment", 160, 5, "Formação contínua – grupo A")},
    "fr": {"trainees": 16, "utc_offset": 1,
           "courses": {"dynamic-security-and-intelligence": 0.7, "mandela-rules-in-practice": 0.3,
                       "alternatives-to-imprisonment": 0.08},
           "cohort": ("dynamic-security-and-intelligence", 232, 7,
                      "Formation continue – groupe A")},
    "it": {"trainees": 12, "utc_offset": 1,
           "courses": {"mandela-rules-in-practice": 0.3,
                       "dynamic-security-and-intelligence": 0.25},
           "cohort": ("dynamic-security-and-intelligence", 95, 5,
                      "Formazione continua – gruppo A")},
    "br": {"trainees": 20, "utc_offset": -3,
           "courses": {"alternatives-to-imprisonment": 0.75, "mandela-rules-in-practice": 0.5,
                       "dynamic-security-and-intelligence": 0.12},
           "cohort": ("alternatives-to-imprisonment", 205, 8, "Turma de capacitação A")},
    "co": {"trainees": 15, "utc_offset": -5,
           "courses": {"mandela-rules-in-practice": 0.6, "alternatives-to-imprisonment": 0.4,
                       "dynamic-security-and-intelligence": 0.1},
           "cohort": ("mandela-rules-in-practice", 130, 6, "Curso de actualización – grupo A")},
    "ar": {"trainees": 13, "utc_offset": -3,
           "courses": {"mandela-rules-in-practice": 0.5, "alternatives-to-imprisonment": 0.35},
           "cohort": ("mandela-rules-in-practice", 175, 5, "Capacitación continua – comisión A")},
    "cr": {"trainees": 12, "utc_offset": -6,
           "courses": {"mandela-rules-in-practice": 0.35, "alternatives-to-imprisonment": 0.2},
           "cohort": ("mandela-rules-in-practice", 70, 5, "Grupo de capacitación A")},
    "cl": {"trainees": 15, "utc_offset": -4,
           "courses": {"alternatives-to-imprisonment": 0.5, "mandela-rules-in-practice": 0.4,
                       "dynamic-security-and-intelligence": 0.06},
           "cohort": ("alternatives-to-imprisonment", 180, 6,
                      "Curso de perfeccionamiento – sección A")},
    "pe": {"trainees": 18, "utc_offset": -5,
           "courses": {"mandela-rules-in-practice": 0.6, "alternatives-to-imprisonment": 0.45,
                       "dynamic-security-and-intelligence": 0.12},
           "cohort": ("mandela-rules-in-practice", 150, 6, "Capacitación continua – grupo A")},
}
# Gendarmería de Chile adopted ESPEN's course some months ago and runs its own copy (a title of
# its own in Spanish; places limited, on approval, once the first groups were through).
ADOPTION = {"academy": "cl-gendarmeria", "source": "alternatives-to-imprisonment",
            "days_ago": 200, "title": {
                "es": "Alternativas a la prisión: medidas alternativas en la práctica "
                      "(edición Gendarmería de Chile)"}}
# Questions few trainees get right (by question id), with how hard they are (0 to 1).
HARD_QUESTIONS = {"mr1-q6": 0.6, "mr3-q6": 0.55, "ds2-q6": 0.5, "ai1-q5": 0.5}
# What trainees write in the essay of ENAP's first quiz, and what ENAP's instructor answers.
ESSAY_ANSWERS = {
    "es": [("Un interno que siempre hablaba con todos dejó de salir al patio. Hablé con él, me "
            "contó que lo estaban amenazando y lo comuniqué al jefe de servicio."),
           ("Noté que dos internos evitaban el comedor a la misma hora. Lo anoté en el parte y "
            "se reforzó la vigilancia; se evitó una pelea.")],
    "pt": [("Um recluso que costumava conversar com todos isolou-se na cela. Falei com ele, "
            "percebi que tinha dívidas e informei a chefia."),
           ("Reparei que um recluso oferecia tabaco a um colega novo todos os dias. Registei e "
            "comuniquei; havia pressão para introduzir objetos.")],
    "fr": [("Un détenu habituellement sociable ne sortait plus en promenade. Je lui ai parlé, "
            "il était menacé ; j'ai fait un compte rendu à l'officier."),
           ("J'ai remarqué des échanges répétés entre deux détenus au parloir. Je l'ai consigné "
            "objectivement et transmis au bureau du renseignement.")],
    "it": [("Un detenuto di solito socievole non usciva più all'aria. Gli ho parlato, era "
            "minacciato e ho informato il comandante."),
           ("Ho notato che due detenuti si evitavano in mensa. L'ho annotato e segnalato; è "
            "stato evitato uno scontro.")],
    "en": [("A prisoner who usually talked to everyone stopped going to the yard. I talked to "
            "him, he was being threatened, and I reported it to my supervisor.")],
}
ESSAY_COMMENTS = ["Bonne observation et signalement adapté.",
                  "Précisez davantage les faits observés avant votre interprétation.",
                  "Réponse claire : l'observation, le dialogue puis le compte rendu.",
                  "Trop général : décrivez une situation concrète."]
# Why the coordinator revoked two certificates (in the coordinator's language).
REVOCATION_REASONS = [
    "Emitido por error: la persona comparte nombre con otra participante que no completó el curso.",
    "La academia informó de que el cuestionario final lo respondió otra persona.",
]
RENEWAL_REASON = "Renovación solicitada por la academia tras el curso de actualización."
