"""The Azure regions Media Services v3 was offered in (product availability by region, public, US Government
and China clouds). A data table: preview never calls the service to learn regions."""

from __future__ import annotations

MEDIA_REGIONS = frozenset(
    {
        # public cloud
        "australiacentral", "australiaeast", "australiasoutheast", "brazilsouth", "brazilsoutheast",
        "canadacentral", "canadaeast", "centralindia", "centralus", "eastasia", "eastus", "eastus2",
        "francecentral", "francesouth", "germanynorth", "germanywestcentral", "japaneast", "japanwest",
        "jioindiawest", "koreacentral", "koreasouth", "northcentralus", "northeurope", "norwayeast",
        "norwaywest", "southafricanorth", "southafricawest", "southcentralus", "southindia", "southeastasia",
        "swedencentral", "switzerlandnorth", "switzerlandwest", "uaecentral", "uaenorth", "uksouth", "ukwest",
        "westcentralus", "westeurope", "westindia", "westus", "westus2", "westus3",
        # US Government
        "usgovarizona", "usgovtexas", "usgovvirginia",
        # China (21Vianet)
        "chinaeast", "chinaeast2", "chinanorth", "chinanorth2",
    }
)  # fmt: skip


def normalize_region(value: str) -> str:
    """ARM accepts display names too: "West Europe" -> "westeurope"."""
    return value.replace(" ", "").lower()
