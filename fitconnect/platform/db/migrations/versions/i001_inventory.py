"""The inventory context: the catalogue (products, variants), locations, stock per (variant,
location) kept only beside its audit log of adjustments, and reservations with expiry.

Revision ID: i001
Revises: 0011

``inventory.stock`` holds the stocked and allocated figures of one variant at one location;
every change of ``stocked`` is written in the same transaction as its row of
``inventory.adjustments`` (who, why, delta), so the figure always equals the log's sum.
Available = stocked - allocated - the quantities of unexpired active reservations.
"""

from alembic import op

revision = "i001"
down_revision = "0011"
branch_labels = ("inventory",)
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS inventory")
    op.execute(
        """
        CREATE TABLE inventory.products (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL,
            name text NOT NULL,
            description text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE inventory.variants (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL,
            product_id uuid NOT NULL REFERENCES inventory.products (id) ON DELETE CASCADE,
            sku text NOT NULL,
            price_minor bigint NOT NULL CHECK (price_minor >= 0),
            currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            attributes jsonb NOT NULL DEFAULT '{}',
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant_id, sku)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE inventory.locations (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL,
            name text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('warehouse', 'store')),
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant_id, name)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE inventory.stock (
            variant_id uuid NOT NULL REFERENCES inventory.variants (id) ON DELETE CASCADE,
            location_id uuid NOT NULL REFERENCES inventory.locations (id) ON DELETE CASCADE,
            tenant_id uuid NOT NULL,
            stocked integer NOT NULL DEFAULT 0 CHECK (stocked >= 0),
            allocated integer NOT NULL DEFAULT 0 CHECK (allocated >= 0),
            PRIMARY KEY (variant_id, location_id),
            CHECK (allocated <= stocked)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE inventory.adjustments (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tenant_id uuid NOT NULL,
            variant_id uuid NOT NULL,
            location_id uuid NOT NULL,
            delta integer NOT NULL CHECK (delta <> 0),
            reason text NOT NULL,
            actor_id uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            FOREIGN KEY (variant_id, location_id)
                REFERENCES inventory.stock (variant_id, location_id) ON DELETE CASCADE
        )
        """
    )
    op.execute(
        """
        CREATE TABLE inventory.reservations (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL,
            owner_id uuid NOT NULL,
            status text NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'released', 'expired', 'allocated')),
            expires_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            closed_at timestamptz
        )
        """
    )
    op.execute(
        "CREATE INDEX reservations_active ON inventory.reservations (expires_at)"
        " WHERE status = 'active'"
    )
    op.execute(
        """
        CREATE TABLE inventory.reservation_lines (
            reservation_id uuid NOT NULL
                REFERENCES inventory.reservations (id) ON DELETE CASCADE,
            variant_id uuid NOT NULL,
            location_id uuid NOT NULL,
            quantity integer NOT NULL CHECK (quantity > 0),
            active boolean NOT NULL DEFAULT true,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (reservation_id, variant_id, location_id),
            FOREIGN KEY (variant_id, location_id)
                REFERENCES inventory.stock (variant_id, location_id) ON DELETE CASCADE
        )
        """
    )
    op.execute(
        "CREATE INDEX reservation_lines_held ON inventory.reservation_lines"
        " (variant_id, location_id, expires_at) INCLUDE (quantity) WHERE active"
    )


def downgrade() -> None:
    for table in (
        "reservation_lines",
        "reservations",
        "adjustments",
        "stock",
        "locations",
        "variants",
        "products",
    ):
        op.execute(f"DROP TABLE inventory.{table}")
