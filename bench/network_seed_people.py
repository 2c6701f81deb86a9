"""The network data set's people: academies, their staff and trainees, the network's roles."""
from __future__ import annotations

from datetime import timedelta

from bench.certificates_seed import NAMES
from bench.network_seed_data import ACADEMIES, DAY, pick, weighted


class PeopleSeeding:
    """Academies, staff and trainees (a part of `network_seed.Seeder`)."""

    def people(self) -> None:
        rng, now = self.rng, self.now
        academies, users, members, network = [], [], [], []
        for slug, country, locale, name, _size in ACADEMIES:
            aid = self.ids("academies")
            self.academy_ids.append(aid)
            academies.append((aid, slug, {locale: name}, country, locale, None, True,
                              self.start - timedelta(days=400)))
        staff_since = self.start - timedelta(days=200)

        def user(username, display, academy_index, *, created=staff_since):
            uid = self.ids("users")
            users.append((uid, username, display, self.sort_key(display), None, None,
                          self.academy_ids[academy_index] if academy_index is not None else None,
                          None, self.password_hash, False, True, created, None, None))
            return uid

        site_admin = user("site.admin", "Administración del campus", None)
        network.append((site_admin, "site_admin", staff_since))
        for n in (1, 2):
            uid = user(f"coordinator.{n}", f"Coordinación de la red {n}", 0)
            network.append((uid, "coordinator", staff_since))
            self.coordinator = self.coordinator or uid
        for index, (slug, _c, locale, _n, _s) in enumerate(ACADEMIES):
            first, last = NAMES[locale]
            uid = user(f"admin.{slug}", f"{first[index % 8]} {last[index % 8]}", index)
            members.append((self.ids("memberships"), uid, self.academy_ids[index], "academy_admin",
                            staff_since))
            for k in range(3):
                uid = user(f"instructor{k + 1}.{slug}", f"{first[(index + k + 1) % 8]} "
                           f"{last[(index + 2 * k + 3) % 8]}", index)
                members.append((self.ids("memberships"), uid, self.academy_ids[index],
                                "instructor", staff_since))
        sizes = [a[4] for a in ACADEMIES]
        pool = weighted(list(range(len(ACADEMIES))), sizes)
        for n in range(self.scale.trainees):
            index = pick(rng, pool)
            slug, _c, locale, _name, _s = ACADEMIES[index]
            first, last = NAMES[locale]
            display = f"{rng.choice(first)} {rng.choice(last)} {rng.choice(last)}"
            created = self.start - timedelta(seconds=rng.random() * 365 * DAY)
            uid = user(f"{slug}.{n:06d}", display, index, created=created)
            if rng.random() < 0.02:  # left the service
                users[-1] = users[-1][:10] + (False,) + users[-1][11:13] + (
                    now - timedelta(seconds=rng.random() * 200 * DAY),)
            members.append((self.ids("memberships"), uid, self.academy_ids[index], "trainee",
                            created))
            self.trainees.append((uid, index, display))
            self.ability[uid] = rng.gauss(0.0, 1.0)
        self.load.write("academies", ("id", "slug", "names", "country", "default_locale",
                                      "logo_filename", "is_active", "created_at"), academies)
        self.load.write("users", ("id", "username", "display_name", "sort_name", "email",
                                  "staff_number", "academy_id", "locale", "password_hash",
                                  "must_change_password", "is_active", "created_at",
                                  "last_login_at", "deactivated_at"), users)
        self.load.write("memberships", ("id", "user_id", "academy_id", "role", "created_at"),
                        members)
        self.load.write("network_roles", ("user_id", "role", "granted_at"), network)

    # --- Courses -----------------------------------------------------------------------------
