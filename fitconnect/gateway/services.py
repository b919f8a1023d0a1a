"""The platform services one gateway process uses, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.service import AuthService, TokenPolicy
from fitconnect.platform.auth.tenancy import TenancyService
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.devices.service import BrokerAddress, DeviceService
from fitconnect.platform.gamification.service import GamificationService
from fitconnect.platform.inventory.service import InventoryService
from fitconnect.platform.notifications.service import NotificationService
from fitconnect.platform.social.activities import ActivityService
from fitconnect.platform.social.privacy import PrivacyService
from fitconnect.platform.social.reactions import ReactionService
from fitconnect.platform.social.search import PostgresSearch, SearchService
from fitconnect.platform.social.service import SocialService
from fitconnect.platform.storage import open_object_store
from fitconnect.platform.training.reports import ReportService
from fitconnect.platform.training.service import TrainingService
from fitconnect.platform.uploads.service import UploadService
from fitconnect.platform.users.avatars import AvatarService
from fitconnect.platform.users.service import UserService
from fitconnect.platform.workouts.service import WorkoutService
from fitconnect.settings import Settings

AVATARS_URL = "/api/v1/avatars"  # where gateway.avatars serves them


def broker_address(url: str | None) -> BrokerAddress | None:
    """The host and port of an ``mqtt://`` URL (1883 by default)."""
    if not url:
        return None
    parts = urlsplit(url)
    return BrokerAddress(parts.hostname or "127.0.0.1", parts.port or 1883)


@dataclass(frozen=True, slots=True)
class Services:
    pool: AsyncConnectionPool
    auth: AuthService
    devices: DeviceService
    training: TrainingService
    coaching: CoachingService
    users: UserService
    avatars: AvatarService
    reports: ReportService
    social: SocialService
    activities: ActivityService
    reactions: ReactionService
    search: SearchService
    privacy: PrivacyService
    gamification: GamificationService
    notifications: NotificationService
    tenancy: TenancyService
    workouts: WorkoutService
    uploads: UploadService
    inventory: InventoryService

    @classmethod
    def build(
        cls, settings: Settings, pool: AsyncConnectionPool, mqtt_url: str | None = None
    ) -> Services:
        policy = TokenPolicy(
            secret=settings.secret_key.get_secret_value(),
            access_ttl_s=settings.gateway.access_token_ttl_s,
            refresh_ttl_s=settings.gateway.refresh_token_ttl_s,
        )
        devices = DeviceService(
            pool, settings.mqtt_auth_dir, broker_address(settings.mqtt_device_url or mqtt_url)
        )
        coaching = CoachingService(pool)
        auth = AuthService(pool, policy)
        training = TrainingService(pool, devices, coaching, mqtt_url, auth.still_active)
        users = UserService(pool, AVATARS_URL)
        store = open_object_store(settings.objects, settings.data_dir)
        avatars = AvatarService(pool, store, AVATARS_URL)
        social = SocialService(pool)
        tenancy = TenancyService(pool, auth.active_cache)
        return cls(
            pool,
            auth,
            devices,
            training,
            coaching,
            users,
            avatars,
            ReportService(pool, coaching),
            social,
            ActivityService(pool),
            ReactionService(pool),
            SearchService(PostgresSearch(pool)),
            PrivacyService(pool),
            GamificationService(pool, social),
            NotificationService(pool),
            tenancy,
            WorkoutService(pool, coaching, training),
            UploadService(pool),
            InventoryService(pool, tenancy),
        )
