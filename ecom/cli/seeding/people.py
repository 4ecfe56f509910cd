"""Seeded accounts: an admin, a staff member and customers, each customer with an address;
example permission groups, the staff member in the first."""

from ecom.accounts.models import Address, PermissionGroup, User, group_members
from ecom.cli.seeding.rows import Seeder, insert_links, insert_rows
from ecom.cli.vocabulary import CITIES, FIRST_NAMES, LAST_NAMES, STREETS
from ecom.common.permissions import PERMISSIONS

SEED_ADMIN_EMAIL = "admin@shop.example"
SEED_STAFF_EMAIL = "staff@shop.example"
# Example groups (the seeded staff member is in the first): docs/PERMISSIONS.md.
SEED_GROUPS = {
    "Shop managers": sorted(PERMISSIONS),
    "Warehouse": ["manage_orders", "manage_stock"],
    "Customer service": ["manage_customers", "manage_orders", "manage_refunds"],
}


def _user_row(seeder: Seeder, email: str, username: str, role: str) -> dict:
    created = seeder.before_orders()
    return {
        "email": email,
        "username": username,
        "password_hash": seeder.password_hash,
        "first_name": seeder.rng.choice(FIRST_NAMES),
        "last_name": seeder.rng.choice(LAST_NAMES),
        "role": role,
        "is_active": True,
        "token_version": 0,
        "created_at": created,
        "updated_at": created,
    }


def _address_row(seeder: Seeder, user: dict, user_id: int) -> dict:
    rng = seeder.rng
    city, country, postal_code = rng.choice(CITIES)
    return {
        "user_id": user_id,
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "line1": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
        "line2": "",
        "city": city,
        "postal_code": postal_code,
        "country": country,
        "region": "",
        "phone": f"+{rng.randint(30, 49)} {rng.randint(100000000, 999999999)}",
        "vat_number": "",
        "is_default": True,
        "created_at": user["created_at"],
        "updated_at": user["created_at"],
    }


def seed_users(seeder: Seeder, count: int) -> None:
    """An admin, a staff member and ``count`` customers, each with a default address."""
    rows = [
        _user_row(seeder, SEED_ADMIN_EMAIL, "shop-admin", "admin"),
        _user_row(seeder, SEED_STAFF_EMAIL, "shop-staff", "staff"),
    ]
    rows += [
        _user_row(seeder, f"customer{n:05}@shop.example", f"customer{n:05}", "customer")
        for n in range(1, count + 1)
    ]
    ids = insert_rows(User, rows)
    seeder.staff_id = ids[1]
    seed_groups(seeder)
    seeder.customer_ids = ids[2:]
    addresses = [_address_row(seeder, row, id) for id, row in zip(ids[2:], rows[2:], strict=True)]
    insert_rows(Address, addresses)
    seeder.addresses = {row["user_id"]: row for row in addresses}


def seed_groups(seeder: Seeder) -> None:
    """``SEED_GROUPS``, the seeded staff member in the first."""
    created = seeder.before_orders()
    group_ids = insert_rows(
        PermissionGroup,
        [
            {"name": name, "permissions": permissions, "created_at": created, "updated_at": created}
            for name, permissions in SEED_GROUPS.items()
        ],
    )
    insert_links(group_members, [{"group_id": group_ids[0], "user_id": seeder.staff_id}])
