"""Every api-version Microsoft.Media published, per resource-type family.

From the azure-rest-api-specs folders `specification/mediaservices/resource-manager/Microsoft.Media/
{Accounts,Encoding,Metadata,Streaming}/{stable,preview}/<version>/` (2018-07-01 .. 2023-01-01) and the
pre-GA previews `Microsoft.Media/preview/{2018-03-30-preview,2018-06-01-preview}/` (readme.md tags
package-2018-03-preview / package-2018-06-preview: Accounts, Assets, ContentKeyPolicies, Encoding,
StreamingPoliciesAndStreamingLocators, streamingservice; no account or asset filters before 2018-07-01).
The 2015-10-01 v2 API and azure-cli 2.0.30's 2018-02-01-privatepreview (never published) are not
served. The emulator answers every listed version; `shapes.py` removes what a version did not define yet.
"""

from __future__ import annotations

PRE_GA = ("2018-03-30-preview", "2018-06-01-preview")

ACCOUNTS = (
    *PRE_GA,
    "2018-07-01",
    "2019-05-01-preview",
    "2020-05-01",
    "2021-05-01",
    "2021-06-01",
    "2021-11-01",
    "2023-01-01",
)
ENCODING = (
    *PRE_GA,
    "2018-07-01",
    "2019-05-01-preview",
    "2020-05-01",
    "2021-06-01",
    "2021-11-01",
    "2022-05-01-preview",
    "2022-07-01",
)
FILTERS = (
    "2018-07-01",
    "2019-05-01-preview",
    "2020-05-01",
    "2021-06-01",
    "2021-11-01",
    "2022-08-01",
    "2023-01-01",
)
METADATA = (*PRE_GA, *FILTERS)  # assets, content key policies, streaming policies and locators
STREAMING = (
    *PRE_GA,
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
    "mediaservices/assets/assetFilters": FILTERS,
    "mediaservices/assets/tracks": TRACKS,
    "mediaservices/accountFilters": FILTERS,
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
