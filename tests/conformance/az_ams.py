"""Conformance suite (issue 14): the unchanged Azure CLI 2.55.0 `az ams` against the emulator.

`make conformance` installs azure-cli into .venv-conformance and runs this module with the project's
venv: it starts a fresh emulator, registers it with `az cloud register`, logs in with the contributor
and the reader service principals (tokens through the emulator's CONNECT proxy for
login.microsoftonline.com), then drives every entity kind through create/show/list/update/delete plus
the live event, streaming endpoint and locator actions, and has the Reader refused on every write.
Exit 0 when every command's outcome was as expected.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from azure.storage.blob import ContainerClient

from emulator.launcher import RunningEmulator, start_emulator
from emulator.regions import display_name
from tests.conformance.azcli import AzCli, Tally

REPO = Path(__file__).resolve().parents[2]
DEFAULT_AZ = REPO / ".venv-conformance" / "bin" / "az"
ACCOUNT = "amsconformance"
# Short enough that az's LRO polling ends within seconds, long enough that every transition is observed.
DURATIONS = {"account": 1, "liveevent": 1, "liveoutput": 1, "streamingendpoint": 1, "track": 1, "job.step": 1}
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\nconformance\n"
CUSTOM_PRESET = {
    "@odata.type": "#Microsoft.Media.StandardEncoderPreset",
    "codecs": [
        {"@odata.type": "#Microsoft.Media.AacAudio", "channels": 2, "samplingRate": 48000, "bitrate": 128000},
        {
            "@odata.type": "#Microsoft.Media.H264Video",
            "keyFrameInterval": "PT2S",
            "layers": [{"bitrate": 1000000, "width": "1280", "height": "720", "label": "HD"}],
        },
    ],
    "formats": [
        {
            "@odata.type": "#Microsoft.Media.Mp4Format",
            "filenamePattern": "Video-{Basename}-{Label}-{Bitrate}{Extension}",
        }
    ],
}
TRACK_SELECTIONS = [{"trackSelections": [{"property": "Type", "operation": "Equal", "value": "Audio"}]}]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--az", type=Path, default=DEFAULT_AZ, help="az executable (azure-cli 2.55.0)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the emulator state and az config also on success"
    )
    args = parser.parse_args()
    if not args.az.exists():
        print(
            f"{args.az} not found: run `make conformance` (installs azure-cli 2.55.0 there)", file=sys.stderr
        )
        return 2
    started = time.monotonic()
    tally = Tally()
    work = Path(tempfile.mkdtemp(prefix="az-conformance-"))
    emu = start_emulator(work / "emulator", durations=DURATIONS)
    try:
        Scenario(emu, args.az, work, tally).run()
    finally:
        emu.stop()
    elapsed = time.monotonic() - started
    failed = tally.failed
    print(
        f"\naz conformance: {len(tally.outcomes)} commands, {len(tally.outcomes) - len(failed)} passed, "
        f"{len(failed)} failed, {elapsed:.0f} s"
        + (f" (emulator state and az config: {work})" if failed or args.keep else "")
    )
    for outcome in failed:
        print(f"  FAILED {outcome.label}: {outcome.problems[0]}")
    if not failed and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


class Scenario:
    def __init__(self, emu: RunningEmulator, az_exe: Path, work: Path, tally: Tally) -> None:
        conn = emu.connection
        self.conn = conn
        self.admin = emu.admin
        self.work = work
        env = {"REQUESTS_CA_BUNDLE": conn["ca_bundle"], **conn["https_proxy"]["env"]}
        self.az = AzCli(az_exe, work / "az-contributor", env, tally, "contributor")
        self.reader = AzCli(az_exe, work / "az-reader", env, tally, "reader")
        self.rg = conn["resource_group"]
        self.ra = f"-g {self.rg} -a {ACCOUNT}"
        self.account_id = (
            f"/subscriptions/{conn['subscription_id']}/resourceGroups/{self.rg}"
            f"/providers/Microsoft.Media/mediaservices/{ACCOUNT}"
        )

    def run(self) -> None:
        self.login(self.az, "contributor")
        self.login(self.reader, "reader")
        self.account()
        self.transform_and_assets()
        self.filters()
        self.track()
        self.job()
        self.content_key_policy()
        self.streaming_policy_and_locators()
        self.streaming_endpoint()
        self.live_event()
        self.reader_refused()
        self.teardown()

    # --- platform: custom cloud and service principal login -----------------------------------------
    def login(self, az: AzCli, principal: str) -> None:
        arm = self.conn["arm_endpoint"]
        az(
            f"cloud register -n AmsEmulator --endpoint-resource-manager {arm}",
            label="cloud register -n AmsEmulator --endpoint-resource-manager <emulator>",
        )
        az("cloud set -n AmsEmulator")
        az(
            "cloud show -n AmsEmulator",
            expect={
                "endpoints.resourceManager": arm,
                "endpoints.activeDirectory": arm + "/",
                "isActive": True,
            },
        )
        p = self.conn["principals"][principal]
        az(
            ["login", "--service-principal", "-u", p["client_id"], "-p", p["client_secret"]]
            + ["--tenant", self.conn["tenant_id"]],
            label=f"login --service-principal -u <{principal}> -p <secret> --tenant <tenant>",
            expect={
                "0.id": self.conn["subscription_id"],
                "0.tenantId": self.conn["tenant_id"],
                "0.state": "Enabled",
                "0.user.type": "servicePrincipal",
                "0.user.name": p["client_id"],
            },
        )
        az("account show", expect={"id": self.conn["subscription_id"], "environmentName": "AmsEmulator"})
        az(
            f"group show -n {self.rg}",
            expect={"name": self.rg, "properties.provisioningState": "Succeeded"},
        )

    # --- entities --------------------------------------------------------------------------------------
    def account(self) -> None:
        az, rg = self.az, self.rg
        storage = self.conn["storage_account_id"]
        az(
            f"ams account check-name -n {ACCOUNT} -l {self.conn['location']}",
            expect={"": "Name available."},
        )
        az(
            f"ams account create -n {ACCOUNT} -g {rg} --storage-account {storage} -l {self.conn['location']}"
            " --tags env=conformance",
            expect={
                "name": ACCOUNT,
                "id": self.account_id,
                "location": display_name(self.conn["location"]),  # sent westeurope, answered West Europe
                "storageAccounts.0.type": "Primary",
                "storageAccounts.0.id": storage,
                "tags.env": "conformance",
            },
            present=("mediaServiceId",),
        )
        az(
            f"ams account show -n {ACCOUNT} -g {rg}",
            expect={"name": ACCOUNT, "type": "Microsoft.Media/mediaservices"},
        )
        az(f"ams account list -g {rg}", expect={"0.name": ACCOUNT})
        az(f"ams account update -n {ACCOUNT} -g {rg} --set tags.stage=ci", expect={"tags.stage": "ci"})
        az(
            f"ams account check-name -n {ACCOUNT} -l {self.conn['location']}",
            check=lambda out: None
            if "already in use" in str(out)
            else f"{out!r} does not say 'already in use'",
        )
        az(f"ams account encryption show -a {ACCOUNT} -g {rg}", expect={"type": "SystemKey"})
        az(f"ams account encryption set -a {ACCOUNT} -g {rg} --key-type SystemKey", expect={"name": ACCOUNT})
        az(f"ams account identity assign -n {ACCOUNT} -g {rg} --system-assigned", expect={"name": ACCOUNT})
        az(
            f"ams account identity show -n {ACCOUNT} -g {rg}",
            expect={"type": "SystemAssigned", "tenantId": self.conn["tenant_id"]},
            present=("principalId",),
        )
        az(
            f"ams account identity remove -n {ACCOUNT} -g {rg} --system-assigned",
            expect={"identity.type": "None"},
        )

    def transform_and_assets(self) -> None:
        az, ra = self.az, self.ra
        az(
            f"ams transform create {ra} -n tr1 --preset AdaptiveStreaming --description first",
            expect={
                "name": "tr1",
                "description": "first",
                "outputs.0.preset.presetName": "AdaptiveStreaming",
                "outputs.0.onError": "StopProcessingJob",
            },
        )
        az(f"ams transform show {ra} -n tr1", expect={"name": "tr1", "outputs.0.relativePriority": "Normal"})
        az(f"ams transform list {ra}", expect={"0.name": "tr1"})
        az(f"ams transform update {ra} -n tr1 --description second", expect={"description": "second"})
        az(
            f"ams transform output add {ra} -n tr1 --preset H264SingleBitrate720p",
            expect={"outputs.1.preset.presetName": "H264SingleBitrate720p"},
        )
        az(f"ams transform output remove {ra} -n tr1 --output-index 1", check=_length("outputs", 1))
        preset = self.work / "preset.json"
        preset.write_text(json.dumps(CUSTOM_PRESET))
        az(
            f"ams transform create {ra} -n tr-custom --preset {preset}",
            expect={
                "outputs.0.preset.odataType": "#Microsoft.Media.StandardEncoderPreset",
                "outputs.0.preset.codecs.1.layers.0.bitrate": 1000000,
                "outputs.0.preset.formats.0.filenamePattern": "Video-{Basename}-{Label}-{Bitrate}{Extension}",
            },
        )
        az(f"ams transform delete {ra} -n tr-custom")
        for name in ("in1", "out1"):
            az(f"ams asset create {ra} -n {name} --description asset-{name}", expect={"name": name})
        az(
            f"ams asset show {ra} -n in1",
            expect={"description": "asset-in1", "storageEncryptionFormat": "None"},
            present=("assetId",),
        )  # no container member: a defaulted one is not shown up to 2021-11-01 (recorded)
        az(f"ams asset list {ra}", check=_names("in1", "out1"))
        az(f"ams asset update {ra} -n in1 --alternate-id alt-1", expect={"alternateId": "alt-1"})
        az(f"ams asset get-sas-urls {ra} -n in1", check=_length("", 2))
        # Recorded service behaviour: an unencrypted asset has no key (400).
        az(f"ams asset get-encryption-key {ra} -n in1", status=1, error="BadRequest")
        az(f"ams asset list-streaming-locators {ra} -n in1", expect={"streamingLocators": []})
        az(f"ams asset show {ra} -n missing", status=3, error="NotFound")

    def filters(self) -> None:
        az, ra = self.az, self.ra
        az(
            f"ams asset-filter create {ra} --asset-name in1 -n af1 --first-quality 400"
            " --start-timestamp 0 --end-timestamp 100000000 --timescale 10000000",
            expect={
                "name": "af1",
                "firstQuality.bitrate": 400,
                "presentationTimeRange.endTimestamp": 100000000,
            },
        )
        az(f"ams asset-filter show {ra} --asset-name in1 -n af1", expect={"firstQuality.bitrate": 400})
        az(f"ams asset-filter list {ra} --asset-name in1", expect={"0.name": "af1"})
        az(
            f"ams asset-filter update {ra} --asset-name in1 -n af1 --first-quality 800",
            expect={"firstQuality.bitrate": 800},
        )
        az(f"ams account-filter create {ra} -n acf1 --first-quality 300", expect={"name": "acf1"})
        az(f"ams account-filter show {ra} -n acf1", expect={"firstQuality.bitrate": 300})
        az(f"ams account-filter list {ra}", expect={"0.name": "acf1"})
        az(
            f"ams account-filter update {ra} -n acf1 --first-quality 600",
            expect={"firstQuality.bitrate": 600},
        )
        tracks = self.work / "tracks.json"
        tracks.write_text(json.dumps(TRACK_SELECTIONS))
        selection = {"property": "Type", "operation": "Equal", "value": "Audio"}
        az(
            f"ams account-filter create {ra} -n acf-audio --tracks @{tracks}",
            expect={"tracks.0.trackSelections.0": selection},
        )
        az(
            f"ams asset-filter create {ra} --asset-name in1 -n af-audio --tracks @{tracks}",
            expect={"tracks.0.trackSelections.0": selection},
        )
        az(f"ams asset-filter delete {ra} --asset-name in1 -n af-audio")

    def track(self) -> None:
        az, ra = self.az, self.ra
        urls = az(f"ams asset get-sas-urls {ra} -n in1 --permissions ReadWrite", check=_length("", 2))
        # The caption file goes into the asset's container through the SAS URL az returned.
        if isinstance(urls, list) and urls:
            container = ContainerClient.from_container_url(urls[0], connection_verify=self.conn["ca_bundle"])
            container.upload_blob("captions.vtt", VTT, overwrite=True)
        az(
            f"ams asset-track create {ra} --asset-name in1 --track-name t1 --track-type Text"
            " --file-name captions.vtt --display-name English",
            expect={
                "name": "t1",
                "track.fileName": "captions.vtt",
                "track.displayName": "English",
                "provisioningState": "Succeeded",
            },
        )
        az(
            f"ams asset-track show {ra} --asset-name in1 --track-name t1",
            expect={"track.odataType": "#Microsoft.Media.TextTrack"},
        )
        az(f"ams asset-track list {ra} --asset-name in1", expect={"0.name": "t1"})
        az(
            f"ams asset-track update {ra} --asset-name in1 --track-name t1 --display-name Captions",
            expect={"track.displayName": "Captions"},
        )
        az(f"ams asset-track update-data {ra} --asset-name in1 --track-name t1")
        az(
            f"ams asset-track show {ra} --asset-name in1 --track-name t1",
            expect={"track.displayName": "Captions", "provisioningState": "Succeeded"},
        )
        az(
            f"ams asset-track create {ra} --asset-name in1 --track-name t2 --track-type Text"
            " --file-name missing.vtt",
            status=1,
            error="BadRequest",
        )
        az(f"ams asset-track delete {ra} --asset-name in1 --track-name t1")
        az(f"ams asset-track list {ra} --asset-name in1", expect={"": []})

    def job(self) -> None:
        az, ra, admin = self.az, self.ra, self.admin
        job = f"{ra} -t tr1"
        az(
            f"ams job start {job} -n job1 --input-asset-name in1 --output-assets out1= --priority Low"
            " --description encode",
            expect={
                "name": "job1",
                "state": "Queued",
                "priority": "Low",
                "outputs.0.assetName": "out1",
                "input.assetName": "in1",
            },
        )
        az(f"ams job list {job}", expect={"0.name": "job1"})
        az(
            f"ams job update {job} -n job1 --priority High --description again",
            expect={"priority": "High", "description": "again"},
        )
        self._wait_job("job1", "Finished")
        az(
            f"ams job show {job} -n job1",
            expect={"state": "Finished", "outputs.0.state": "Finished", "outputs.0.progress": 100},
        )
        # A second job held in Canceling: the service refuses to delete it until it is Canceled (recorded).
        admin.set_durations(**{"job.step": 600})
        az(
            f"ams job start {job} -n job2 --input-asset-name in1 --output-assets out1=",
            expect={"state": "Queued"},
        )
        az(f"ams job cancel {job} -n job2")
        az(f"ams job show {job} -n job2", expect={"state": "Canceling"})
        az(f"ams job delete {job} -n job2", status=1, error="Canceling")
        admin.set_durations(**{"job.step": DURATIONS["job.step"]})
        self._wait_job("job2", "Canceled")
        az(f"ams job delete {job} -n job2")
        az(f"ams job show {job} -n job2", status=3, error="NotFound")

    def _wait_job(self, name: str, state: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.az(f"ams job show {self.ra} -t tr1 -n {name} --query state", quiet=True)
            if got == state:
                return
            time.sleep(1)

    def content_key_policy(self) -> None:
        az, ra = self.az, self.ra
        az(
            f"ams content-key-policy create {ra} -n ckp1 --description keys --policy-option-name opt1"
            " --clear-key-configuration --open-restriction",
            expect={
                "name": "ckp1",
                "description": "keys",
                "options.0.name": "opt1",
                "options.0.configuration.odataType": "#Microsoft.Media.ContentKeyPolicyClearKeyConfiguration",
            },
            present=("policyId", "options.0.policyOptionId"),
        )
        az(
            f"ams content-key-policy show {ra} -n ckp1",
            expect={"options.0.restriction.odataType": "#Microsoft.Media.ContentKeyPolicyOpenRestriction"},
        )
        az(f"ams content-key-policy show {ra} -n ckp1 --with-secrets", expect={"options.0.name": "opt1"})
        az(f"ams content-key-policy list {ra}", expect={"0.name": "ckp1"})
        az(
            f"ams content-key-policy update {ra} -n ckp1 --description rotated",
            expect={"description": "rotated"},
        )
        out = az(
            f"ams content-key-policy option add {ra} -n ckp1 --policy-option-name opt2"
            " --clear-key-configuration --open-restriction",
            expect={"options.1.name": "opt2"},
        )
        option = out["options"][1]["policyOptionId"] if isinstance(out, dict) else "none"
        az(
            f"ams content-key-policy option update {ra} -n ckp1 --policy-option-id {option}"
            " --policy-option-name opt2b",
            check=_option_names("opt1", "opt2b"),
        )
        # Every policy PUT/PATCH gives each option a new policyOptionId (recorded), so read it again.
        current = az(f"ams content-key-policy show {ra} -n ckp1", check=_option_names("opt1", "opt2b"))
        option = current["options"][1]["policyOptionId"] if isinstance(current, dict) else "none"
        az(
            f"ams content-key-policy option remove {ra} -n ckp1 --policy-option-id {option}",
            check=_option_names("opt1"),
        )
        key = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"
        verification = "options.0.restriction.primaryVerificationKey"
        az(
            f"ams content-key-policy create {ra} -n ckp-token --policy-option-name jwt"
            " --clear-key-configuration --issuer urn:issuer --audience urn:audience"
            f" --token-key {key} --token-key-type Symmetric --token-type Jwt"
            " --token-claims urn:microsoft:azure:mediaservices:contentkeyidentifier=null",
            expect={
                "options.0.restriction.issuer": "urn:issuer",
                "options.0.restriction.restrictionTokenType": "Jwt",
                f"{verification}.keyValue": None,  # secrets only through getPolicyPropertiesWithSecrets
            },
        )
        az(f"ams content-key-policy show {ra} -n ckp-token", expect={f"{verification}.keyValue": None})
        az(
            f"ams content-key-policy show {ra} -n ckp-token --with-secrets",
            expect={f"{verification}.keyValue": key},
        )
        az(
            f"ams content-key-policy create {ra} -n ckp-widevine --policy-option-name wv --open-restriction"
            """ --widevine-template '{"allowed_track_types":"SD_HD"}'""",
            expect={
                "options.0.configuration.odataType": "#Microsoft.Media.ContentKeyPolicyWidevineConfiguration"
            },
        )

    def streaming_policy_and_locators(self) -> None:
        az, ra = self.az, self.ra
        az(
            f"ams streaming-policy create {ra} -n sp1 --no-encryption-protocols HLS Dash",
            expect={
                "name": "sp1",
                "noEncryption.enabledProtocols.hls": True,
                "noEncryption.enabledProtocols.smoothStreaming": False,
            },
        )
        az(f"ams streaming-policy show {ra} -n sp1", expect={"noEncryption.enabledProtocols.dash": True})
        az(
            f"ams streaming-policy list {ra}",
            check=_names("sp1", "Predefined_ClearStreamingOnly", subset=True),
        )
        az(
            f"ams streaming-policy create {ra} -n sp-envelope --envelope-protocols HLS Dash",
            expect={"envelopeEncryption.enabledProtocols.hls": True},
        )
        az(
            f"ams streaming-policy create {ra} -n sp-cenc --cenc-protocols Dash"
            " --cenc-default-key-label main",
            expect={
                "commonEncryptionCenc.enabledProtocols.dash": True,
                "commonEncryptionCenc.contentKeys.defaultKey.label": "main",
            },
        )
        az(
            f"ams streaming-locator create {ra} -n loc1 --asset-name out1 --streaming-policy-name sp1",
            expect={"name": "loc1", "assetName": "out1", "streamingPolicyName": "sp1"},
            present=("streamingLocatorId",),
        )
        az(
            f"ams streaming-locator create {ra} -n loc2 --asset-name out1"
            " --streaming-policy-name Predefined_ClearKey --content-key-policy-name ckp1",
            expect={"streamingPolicyName": "Predefined_ClearKey", "defaultContentKeyPolicyName": "ckp1"},
        )
        az(f"ams streaming-locator show {ra} -n loc1", expect={"assetName": "out1"})
        az(f"ams streaming-locator list {ra}", check=_names("loc1", "loc2"))
        # The finished job wrote a manifest into out1, so a clear locator has HLS and DASH paths.
        az(f"ams streaming-locator get-paths {ra} -n loc1", check=_protocols("Hls", "Dash"))
        az(f"ams streaming-locator list-content-keys {ra} -n loc1", expect={"": []})
        az(
            f"ams streaming-locator list-content-keys {ra} -n loc2",
            expect={"0.type": "EnvelopeEncryption", "0.policyName": "ckp1"},
            present=("0.id", "0.value"),
        )
        az(
            f"ams streaming-locator create {ra} -n loc-drm --asset-name out1"
            " --streaming-policy-name Predefined_MultiDrmCencStreaming"
            " --content-key-policy-name ckp-widevine",
            expect={"streamingPolicyName": "Predefined_MultiDrmCencStreaming"},
        )
        az(
            f"ams streaming-locator list-content-keys {ra} -n loc-drm",
            expect={"0.type": "CommonEncryptionCenc"},
        )
        az(
            f"ams streaming-locator create {ra} -n loc-filtered --asset-name out1"
            " --streaming-policy-name Predefined_ClearStreamingOnly --filters acf-audio"
            " --start-time 2026-01-01T00:00:00 --end-time 2036-01-01T00:00:00",
            expect={"filters": ["acf-audio"], "endTime": "2036-01-01T00:00:00+00:00"},
        )
        az(
            f"ams streaming-locator create {ra} -n loc-bad --asset-name out1"
            " --streaming-policy-name Predefined_ClearStreamingOnly --filters no-such-filter",
            status=1,
            error="no-such-filter",
        )
        az(
            f"ams asset list-streaming-locators {ra} -n out1",
            check=_names("loc1", "loc2", "loc-drm", "loc-filtered", key="streamingLocators"),
        )

    def streaming_endpoint(self) -> None:
        az, ra = self.az, self.ra
        az(f"ams streaming-endpoint list {ra}", expect={"0.name": "default", "0.resourceState": "Stopped"})
        az(
            f"ams streaming-endpoint create {ra} -n se1 --scale-units 1 --description edge",
            expect={
                "name": "se1",
                "location": display_name(self.conn["location"]),
                "resourceState": "Stopped",
                "scaleUnits": 1,
                "sku.name": "Premium",
                "provisioningState": "Succeeded",
            },
            present=("hostName",),
        )
        az(f"ams streaming-endpoint show {ra} -n se1", expect={"description": "edge"})
        az(
            f"ams streaming-endpoint update {ra} -n se1 --description edge2 --max-cache-age 120",
            expect={"description": "edge2", "maxCacheAge": 120},
        )
        az(f"ams streaming-endpoint get-skus {ra} -n se1", check=_has_sku("Premium"))
        akamai = "accessControl.akamai.akamaiSignatureHeaderAuthenticationKeyList"
        az(
            f"ams streaming-endpoint akamai add {ra} -n se1 --identifier edge-key --base64-key dGVzdGtleQ=="
            " --expiration 2036-01-01T00:00:00",
            expect={f"{akamai}.0.identifier": "edge-key"},
        )
        az(f"ams streaming-endpoint akamai remove {ra} -n se1 --identifier edge-key", expect={akamai: []})
        az(f"ams streaming-endpoint start {ra} -n se1", expect={"resourceState": "Running"})
        az(f"ams streaming-endpoint scale {ra} -n se1 --scale-units 2")
        az(f"ams streaming-endpoint show {ra} -n se1", expect={"resourceState": "Running", "scaleUnits": 2})
        az(f"ams streaming-endpoint delete {ra} -n se1", status=1, error="StreamingEndpointNotStopped")
        az(f"ams streaming-endpoint stop {ra} -n se1", expect={"resourceState": "Stopped"})
        az(f"ams streaming-endpoint start {ra} -n default --no-wait")
        az(f"ams streaming-endpoint wait {ra} -n default --custom \"resourceState=='Running'\" --interval 1")
        az(f"ams streaming-endpoint stop {ra} -n default", expect={"resourceState": "Stopped"})
        az(f"ams streaming-endpoint delete {ra} -n se1")
        az(f"ams streaming-endpoint show {ra} -n se1", status=3, error="ResourceNotFound")

    def live_event(self) -> None:
        az, ra = self.az, self.ra
        az(
            f"ams live-event create {ra} -n le1 --streaming-protocol RTMP --ips AllowAll --description live"
            " --tags show=news",
            expect={
                "name": "le1",
                "location": display_name(self.conn["location"]),
                "resourceState": "Stopped",
                "input.streamingProtocol": "RTMP",
                "tags.show": "news",
                "encoding.encodingType": "None",
            },
        )
        az(
            f"ams live-event show {ra} -n le1",
            expect={"description": "live", "provisioningState": "Succeeded"},
        )
        az(f"ams live-event list {ra}", expect={"0.name": "le1"})
        az(f"ams live-event update {ra} -n le1 --description live2", expect={"description": "live2"})
        az(f"ams live-event standby {ra} -n le1", expect={"resourceState": "StandBy"})
        az(
            f"ams live-event start {ra} -n le1",
            expect={"resourceState": "Running"},
            present=("input.endpoints",),
        )
        az(f"ams asset create {ra} -n archive1", expect={"name": "archive1"})
        az(
            f"ams live-output create {ra} --live-event-name le1 -n lo1 --asset-name archive1"
            " --archive-window-length PT10M --manifest-name main",
            expect={
                "name": "lo1",
                "resourceState": "Running",
                "assetName": "archive1",
                "manifestName": "main",
            },
        )
        az(
            f"ams live-output show {ra} --live-event-name le1 -n lo1",
            expect={"archiveWindowLength": "0:10:00"},
        )
        az(f"ams live-output list {ra} --live-event-name le1", expect={"0.name": "lo1"})
        az(
            f"ams streaming-locator create {ra} -n loc-live --asset-name archive1"
            " --streaming-policy-name Predefined_ClearStreamingOnly",
            expect={"assetName": "archive1"},
        )
        az(f"ams streaming-locator get-paths {ra} -n loc-live", check=_protocols("Hls", "Dash"))
        az(f"ams live-event delete {ra} -n le1", status=1, error="LiveEventNotStopped")
        az(f"ams live-event reset {ra} -n le1", expect={"resourceState": "Running"})
        az(f"ams live-output list {ra} --live-event-name le1", expect={"": []})
        az(
            f"ams live-output create {ra} --live-event-name le1 -n lo2 --asset-name archive1"
            " --archive-window-length PT5M --manifest-name second",
            expect={"name": "lo2"},
        )
        az(f"ams live-output delete {ra} --live-event-name le1 -n lo2")
        az(f"ams live-output show {ra} --live-event-name le1 -n lo2", status=3, error="ResourceNotFound")
        az(f"ams live-event stop {ra} -n le1 --remove-outputs-on-stop", expect={"resourceState": "Stopped"})
        az(f"ams live-event start {ra} -n le1 --no-wait")
        az(f"ams live-event wait {ra} -n le1 --custom \"resourceState=='Running'\" --interval 1")
        az(f"ams live-event stop {ra} -n le1", expect={"resourceState": "Stopped"})
        az(f"ams live-event delete {ra} -n le1")
        az(f"ams live-event show {ra} -n le1", status=3, error="ResourceNotFound")
        az(
            f"ams live-event create {ra} -n le-encoded --streaming-protocol FragmentedMP4 --ips 10.0.0.0/8"
            " --auto-start --encoding-type Standard --preset-name Default720p --stream-options LowLatency",
            expect={
                "resourceState": "Running",
                "encoding.encodingType": "Standard",
                "encoding.presetName": "Default720p",
                "streamOptions": ["LowLatency"],
                "input.accessControl.ip.allow.0.address": "10.0.0.0",
            },
        )
        az(f"ams live-event update {ra} -n le-encoded --description busy", expect={"description": "busy"})
        az(f"ams live-event stop {ra} -n le-encoded", expect={"resourceState": "Stopped"})
        az(f"ams live-event delete {ra} -n le-encoded")

    # --- Reader ----------------------------------------------------------------------------------------
    def reader_refused(self) -> None:
        rd, ra, rg = self.reader, self.ra, self.rg
        media = "Microsoft.Media/mediaservices"
        # Reads work.
        rd(f"ams account show -n {ACCOUNT} -g {rg}", expect={"name": ACCOUNT})
        rd(f"ams asset list {ra}", check=_names("in1", "out1", "archive1"))
        rd(f"ams transform show {ra} -n tr1", expect={"name": "tr1"})
        rd(f"ams job list {ra} -t tr1", expect={"0.name": "job1"})
        rd(f"ams content-key-policy show {ra} -n ckp1", expect={"name": "ckp1"})
        rd(f"ams streaming-locator show {ra} -n loc1", expect={"name": "loc1"})
        rd(f"ams streaming-endpoint show {ra} -n default", expect={"resourceState": "Stopped"})
        rd(f"ams asset-filter list {ra} --asset-name in1", expect={"0.name": "af1"})
        rd(f"ams account-filter show {ra} -n acf1", expect={"name": "acf1"})
        # Every write and every POST action is refused (Reader is */read; Media POSTs are */action).
        rd.refused(
            f"ams account create -n amsreader -g {rg} --storage-account {self.conn['storage_account_id']}"
            f" -l {self.conn['location']}",
            f"{media}/write",
        )
        rd.refused(f"ams account update -n {ACCOUNT} -g {rg} --set tags.x=y", f"{media}/write")
        rd.refused(f"ams account delete -n {ACCOUNT} -g {rg}", f"{media}/delete")
        rd.refused(f"ams asset create {ra} -n reader1", f"{media}/assets/write")
        rd.refused(f"ams asset update {ra} -n in1 --description x", f"{media}/assets/write")
        rd.refused(f"ams asset delete {ra} -n in1", f"{media}/assets/delete")
        rd.refused(f"ams asset get-sas-urls {ra} -n in1", f"{media}/assets/listContainerSas/action")
        rd.refused(
            f"ams asset-filter create {ra} --asset-name in1 -n rf", f"{media}/assets/assetFilters/write"
        )
        rd.refused(
            f"ams asset-filter delete {ra} --asset-name in1 -n af1", f"{media}/assets/assetFilters/delete"
        )
        rd.refused(
            f"ams account-filter update {ra} -n acf1 --first-quality 1", f"{media}/accountFilters/write"
        )
        rd.refused(
            f"ams transform create {ra} -n tr9 --preset AdaptiveStreaming", f"{media}/transforms/write"
        )
        rd.refused(f"ams transform delete {ra} -n tr1", f"{media}/transforms/delete")
        rd.refused(
            f"ams job start {ra} -t tr1 -n job9 --input-asset-name in1 --output-assets out1=",
            f"{media}/transforms/jobs/write",
        )
        rd.refused(f"ams job cancel {ra} -t tr1 -n job1", f"{media}/transforms/jobs/cancelJob/action")
        rd.refused(
            f"ams content-key-policy show {ra} -n ckp1 --with-secrets",
            f"{media}/contentKeyPolicies/getPolicyPropertiesWithSecrets/action",
        )
        rd.refused(f"ams content-key-policy delete {ra} -n ckp1", f"{media}/contentKeyPolicies/delete")
        rd.refused(
            f"ams streaming-policy create {ra} -n sp9 --no-encryption-protocols HLS",
            f"{media}/streamingPolicies/write",
        )
        rd.refused(
            f"ams streaming-locator create {ra} -n loc9 --asset-name out1"
            " --streaming-policy-name Predefined_ClearStreamingOnly",
            f"{media}/streamingLocators/write",
        )
        rd.refused(
            f"ams streaming-locator get-paths {ra} -n loc1", f"{media}/streamingLocators/listPaths/action"
        )
        rd.refused(
            f"ams streaming-locator list-content-keys {ra} -n loc2",
            f"{media}/streamingLocators/listContentKeys/action",
        )
        rd.refused(
            f"ams streaming-endpoint start {ra} -n default", f"{media}/streamingEndpoints/start/action"
        )
        rd.refused(
            f"ams streaming-endpoint scale {ra} -n default --scale-units 2",
            f"{media}/streamingEndpoints/scale/action",
        )
        rd.refused(
            f"ams live-event create {ra} -n le9 --streaming-protocol RTMP --ips AllowAll",
            f"{media}/liveEvents/write",
        )
        rd.refused(
            f"ams asset-track delete {ra} --asset-name in1 --track-name t1", f"{media}/assets/tracks/delete"
        )

    # --- deletes (the contributor again) ---------------------------------------------------------------
    def teardown(self) -> None:
        az, ra, rg = self.az, self.ra, self.rg
        for kind, name, missing in (
            ("streaming-locator", "loc1", "NotFound"),
            ("streaming-locator", "loc2", "NotFound"),
            ("streaming-locator", "loc-live", "NotFound"),
            ("streaming-locator", "loc-drm", "NotFound"),
            ("streaming-locator", "loc-filtered", "NotFound"),
            ("streaming-policy", "sp-envelope", "ResourceNotFound"),
            ("streaming-policy", "sp-cenc", "ResourceNotFound"),
            ("content-key-policy", "ckp-token", "ResourceNotFound"),
            ("content-key-policy", "ckp-widevine", "ResourceNotFound"),
            ("account-filter", "acf-audio", "NotFound"),
            ("streaming-policy", "sp1", "ResourceNotFound"),
            ("content-key-policy", "ckp1", "ResourceNotFound"),
            ("account-filter", "acf1", "NotFound"),
        ):
            az(f"ams {kind} delete {ra} -n {name}")
            az(f"ams {kind} show {ra} -n {name}", status=3, error=missing)
        az(f"ams asset-filter delete {ra} --asset-name in1 -n af1")
        az(f"ams asset-filter show {ra} --asset-name in1 -n af1", status=3, error="NotFound")
        az(f"ams transform delete {ra} -n tr1")
        az(f"ams transform show {ra} -n tr1", status=3, error="NotFound")
        for name in ("in1", "out1", "archive1"):
            az(f"ams asset delete {ra} -n {name}")
        az(f"ams asset list {ra}", expect={"": []})
        az(f"ams account delete -n {ACCOUNT} -g {rg}")
        az(f"ams account show -n {ACCOUNT} -g {rg}", status=3, error="ResourceNotFound")
        az(f"ams account list -g {rg}", expect={"": []})


# --- output checks -------------------------------------------------------------------------------------
def _length(path: str, n: int) -> Any:
    def check(out: Any) -> str | None:
        items = out.get(path) if path and isinstance(out, dict) else out
        return None if isinstance(items, list) and len(items) == n else f"{path or 'output'}: not {n} items"

    return check


def _names(*names: str, subset: bool = False, key: str = "") -> Any:
    def check(out: Any) -> str | None:
        items = out.get(key, []) if key and isinstance(out, dict) else out
        got = {item.get("name") for item in items or [] if isinstance(item, dict)}
        ok = set(names) <= got if subset else set(names) == got
        return None if ok else f"names {sorted(n for n in got if n)}, expected {sorted(names)}"

    return check


def _option_names(*names: str) -> Any:
    def check(out: Any) -> str | None:
        got = [o.get("name") for o in (out or {}).get("options", [])] if isinstance(out, dict) else None
        return None if got == list(names) else f"options {got}, expected {list(names)}"

    return check


def _protocols(*protocols: str) -> Any:
    def check(out: Any) -> str | None:
        paths = {p.get("streamingProtocol"): p.get("paths") for p in (out or {}).get("streamingPaths", [])}
        missing = [p for p in protocols if not paths.get(p)]
        return f"no streaming paths for {missing}: {paths}" if missing else None

    return check


def _has_sku(name: str) -> Any:
    def check(out: Any) -> str | None:
        skus = (
            [s.get("sku", {}).get("name") for s in (out or {}).get("value", [])]
            if isinstance(out, dict)
            else []
        )
        return None if name in skus else f"skus {skus} lack {name}"

    return check


if __name__ == "__main__":
    sys.exit(main())
