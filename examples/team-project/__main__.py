"""A team's media stack written with the ams-iac components: one account on existing storage, an
encoding transform, a live channel recording into an archive, and the streaming endpoint that serves it."""

import pulumi

from components.account import MediaAccount, MediaAccountArgs
from components.config import (
    AccountConfig,
    H264LadderConfig,
    H264Rung,
    LiveChannelConfig,
    LiveOutputConfig,
    ResourceGroupConfig,
    StorageConfig,
    StreamingEndpointConfig,
    TransformConfig,
    TransformOutputConfig,
)
from components.live_channel import LiveChannel, LiveChannelArgs
from components.streaming_endpoint import StreamingEndpoint, StreamingEndpointArgs
from components.transforms import EncodingTransforms, EncodingTransformsArgs

cfg = pulumi.Config()
location = cfg.get("location") or "westeurope"

media = MediaAccount(
    "media",
    MediaAccountArgs(
        account=AccountConfig(
            name=cfg.require("accountName"),
            storage=StorageConfig(existing_id=cfg.require("storageAccountId")),
        ),
        resource_group=ResourceGroupConfig(name=cfg.require("resourceGroup")),
        location=location,
        tags={"team": "events"},
    ),
)

encoding = EncodingTransforms(
    "encoding",
    EncodingTransformsArgs(
        media.resource_group_name,
        media.account_name,
        [
            TransformConfig(
                name="event-ladder",
                description="Replays of the live events",
                outputs=(
                    TransformOutputConfig(
                        h264_ladder=H264LadderConfig(
                            rungs=(
                                H264Rung(width=1280, height=720, bitrate=3_000_000, label="hd720"),
                                H264Rung(width=640, height=360, bitrate=800_000, label="sd360"),
                            )
                        )
                    ),
                ),
            )
        ],
    ),
)

# Every account comes with a `default` endpoint: the component adopts it and sets its run state.
origin = StreamingEndpoint(
    "origin",
    StreamingEndpointArgs(
        media.resource_group_name,
        media.account_name,
        location,
        StreamingEndpointConfig(name="default", run_state="Running"),
    ),
)

events = LiveChannel(
    "events",
    LiveChannelArgs(
        media.resource_group_name,
        media.account_name,
        location,
        LiveChannelConfig(
            name="events",
            run_state="Running",
            outputs=(LiveOutputConfig(name="main", archive_window="PT2H", manifest_name="events"),),
        ),
        access_token=cfg.require_secret("ingestAccessToken"),
        delete_recordings=cfg.get_bool("deleteRecordings") or False,
    ),
)

pulumi.export("accountName", media.account_name)
pulumi.export("transforms", encoding.transform_names)
pulumi.export("streamingHost", origin.host_name)
pulumi.export("ingestUrls", events.ingest_urls)  # secret: the URLs embed the access token
pulumi.export("streamingPaths", events.streaming_paths)
pulumi.export("recordings", events.recordings)
