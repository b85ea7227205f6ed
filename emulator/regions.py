"""Azure regions the emulator knows: ARM names and the display names the service answers with.

The real service normalizes a resource's ``location`` to the region's display name
(``eastasia`` -> ``East Asia``, seen in every Azure CLI ams recording), so the table is shared by
the subscription ``locations`` list and the resource models.
"""

from __future__ import annotations

REGIONS: dict[str, tuple[str, str]] = {
    # name: (displayName, geography group for regionalDisplayName)
    "eastus": ("East US", "US"),
    "eastus2": ("East US 2", "US"),
    "southcentralus": ("South Central US", "US"),
    "westus2": ("West US 2", "US"),
    "westus3": ("West US 3", "US"),
    "australiaeast": ("Australia East", "Asia Pacific"),
    "southeastasia": ("Southeast Asia", "Asia Pacific"),
    "northeurope": ("North Europe", "Europe"),
    "swedencentral": ("Sweden Central", "Europe"),
    "uksouth": ("UK South", "Europe"),
    "westeurope": ("West Europe", "Europe"),
    "centralus": ("Central US", "US"),
    "northcentralus": ("North Central US", "US"),
    "westus": ("West US", "US"),
    "southafricanorth": ("South Africa North", "Africa"),
    "centralindia": ("Central India", "Asia Pacific"),
    "eastasia": ("East Asia", "Asia Pacific"),
    "japaneast": ("Japan East", "Asia Pacific"),
    "koreacentral": ("Korea Central", "Asia Pacific"),
    "canadacentral": ("Canada Central", "Canada"),
    "francecentral": ("France Central", "Europe"),
    "germanywestcentral": ("Germany West Central", "Europe"),
    "norwayeast": ("Norway East", "Europe"),
    "switzerlandnorth": ("Switzerland North", "Europe"),
    "uaenorth": ("UAE North", "Middle East"),
    "brazilsouth": ("Brazil South", "South America"),
    "westcentralus": ("West Central US", "US"),
    "australiasoutheast": ("Australia Southeast", "Asia Pacific"),
    "japanwest": ("Japan West", "Asia Pacific"),
    "koreasouth": ("Korea South", "Asia Pacific"),
    "southindia": ("South India", "Asia Pacific"),
    "westindia": ("West India", "Asia Pacific"),
    "canadaeast": ("Canada East", "Canada"),
    "ukwest": ("UK West", "Europe"),
}

_BY_KEY = {name: display for name, (display, _) in REGIONS.items()}
_BY_KEY.update({display.replace(" ", "").lower(): display for display, _ in REGIONS.values()})


def display_name(location: str) -> str:
    """The display name for ``location`` (ARM name or display name, any case); unknown ones unchanged."""
    return _BY_KEY.get(location.replace(" ", "").lower(), location)


def region_key(location: str) -> str:
    """The ARM name (``westeurope``) for a location given either way."""
    return location.replace(" ", "").lower()
