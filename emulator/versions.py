"""Every api-version Microsoft.Media published, per resource-type family.

From the azure-rest-api-specs folders `specification/mediaservices/resource-manager/Microsoft.Media/
{Accounts,Encoding,Metadata,Streaming}/{stable,preview}/<version>/` (2018-07-01 .. 2023-01-01; the
pre-GA 2018-03-30/2018-06-01 previews and the 2015-10-01 v2 API are not served). The emulator answers
every listed version; `shapes.py` removes what a version did not define yet.
"""

from __future__ import annotations

ACCOUNTS = (
    "2018-07-01",
    "2019-05-01-preview",
    "2020-05-01",
    "2021-05-01",
    "2021-06-01",
    "2021-11-01",
    "2023-01-01",
)
ENCODING = (
    "2018-07-01",
    "2019-05-01-preview",
    "2020-05-01",
    "2021-06-01",
    "2021-11-01",
    "2022-05-01-preview",
    "2022-07-01",
)
METADATA = (
    "2018-07-01",
    "2019-05-01-preview",
    "2020-05-01",
    "2021-06-01",
    "2021-11-01",
    "2022-08-01",
    "2023-01-01",
)
STREAMING = (
    "2018-07-01",
    "2019-05-01-preview",
    "2020-05-01",
    "2021-06-01",
    "2021-11-01",
    "2022-08-01",
    "2022-11-01",
)
TRACKS = ("2021-11-01", "2022-08-01", "2023-01-01")
PRIVATE_LINKS = ("2020-05-01", "2021-05-01", "2021-06-01", "2021-11-01", "2023-01-01")
ACCOUNT_OPERATIONS = ("2021-11-01", "2023-01-01")

# Provider resource types (as `GET /providers/Microsoft.Media` lists them) and their versions.
RESOURCE_TYPES: dict[str, tuple[str, ...]] = {
    "mediaservices": ACCOUNTS,
    "operations": ACCOUNTS,
    "checknameavailability": ACCOUNTS,
    "locations": ACCOUNTS,
    "locations/checkNameAvailability": ACCOUNTS,
    "locations/mediaServicesOperationStatuses": ACCOUNT_OPERATIONS,
    "locations/mediaServicesOperationResults": ACCOUNT_OPERATIONS,
    "mediaservices/privateEndpointConnections": PRIVATE_LINKS,
    "mediaservices/privateLinkResources": PRIVATE_LINKS,
    "mediaservices/transforms": ENCODING,
    "mediaservices/transforms/jobs": ENCODING,
    "mediaservices/assets": METADATA,
    "mediaservices/assets/assetFilters": METADATA,
    "mediaservices/assets/tracks": TRACKS,
    "mediaservices/accountFilters": METADATA,
    "mediaservices/contentKeyPolicies": METADATA,
    "mediaservices/streamingPolicies": METADATA,
    "mediaservices/streamingLocators": METADATA,
    "mediaservices/liveEvents": STREAMING,
    "mediaservices/liveEvents/liveOutputs": STREAMING,
    "mediaservices/liveEventOperations": STREAMING,
    "mediaservices/liveOutputOperations": STREAMING,
    "mediaservices/streamingEndpoints": STREAMING,
    "mediaservices/streamingEndpointOperations": STREAMING,
}
