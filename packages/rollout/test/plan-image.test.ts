import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRollout, buildImage, imageFormats, parseDiffClosures, planRollout, readJournal } from "@paved/rollout";
import { startFleet, type Fleet } from "../../../fixtures/rollout/fleet.ts";
import { requireTools, TOOLS } from "./_helpers.ts";

process.env.NIX_CONFIG = "substituters =\nexperimental-features = nix-command flakes";

describe("parseDiffClosures", () => {
  it("reads added, removed, changed and resized packages with their size deltas", () => {
    const diff = parseDiffClosures(
      [
        "acpi-call: 2020-04-07-5.8.16 → 2020-04-07-5.8.18",
        "bluez-qt: +12.6 KiB",
        "dolphin: 20.08.1 → 20.08.2, +13.9 KiB",
        "kdeconnect: 20.08.2 → ∅, -6597.8 KiB",
        "kdeconnect-kde: ∅ → 20.08.2, +6599.7 KiB",
        "foo: 1.0, 1.1 → ε",
      ].join("\n"),
    );
    expect(diff.changed.map((c) => [c.name, c.before, c.after, c.sizeDelta])).toEqual([
      ["acpi-call", ["2020-04-07-5.8.16"], ["2020-04-07-5.8.18"], undefined],
      ["dolphin", ["20.08.1"], ["20.08.2"], Math.round(13.9 * 1024)],
      ["foo", ["1.0", "1.1"], [""], undefined],
    ]);
    expect(diff.added).toEqual([
      { name: "kdeconnect-kde", before: [], after: ["20.08.2"], sizeDelta: Math.round(6599.7 * 1024) },
    ]);
    expect(diff.removed).toEqual([
      { name: "kdeconnect", before: ["20.08.2"], after: [], sizeDelta: -Math.round(6597.8 * 1024) },
    ]);
    expect(diff.resized).toEqual([{ name: "bluez-qt", before: [], after: [], sizeDelta: Math.round(12.6 * 1024) }]);
  });
});

describe("rollout plan and image build against real Nix and SSH", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    requireTools(...TOOLS);
    fleet = await startFleet({
      hosts: [
        { name: "p", packages: { hello: "2.12", openssl: "3.0.1", curl: "8.5.0" } },
        { name: "q", tags: ["db"] },
      ],
    });
  });
  afterAll(async () => fleet?.stop());

  it("shows the running closure, the new one and Nix's own diff of them", async () => {
    const [plan] = await planRollout({ dir: fleet.dir, select: { names: ["p"] } });
    expect(plan!.error).toBeUndefined();
    expect(plan!.current).toEqual({ generation: 1, path: fleet.initialPath("p") });
    expect(plan!.target).toBe(fleet.targetPath("p"));
    expect(plan!.changed).toBe(true);
    expect(plan!.diff!.changed.map((c) => [c.name, c.before, c.after])).toContainEqual(["hello", ["2.10"], ["2.12"]]);
    expect(plan!.diff!.added.map((c) => [c.name, c.after])).toContainEqual(["curl", ["8.5.0"]]);
    expect(plan!.diff!.changed.find((c) => c.name === "openssl")).toBeUndefined();
    const sizes = plan!.closureSize;
    expect(sizes.delta).toBe(sizes.after! - sizes.before!);
    expect(sizes.after!).toBeGreaterThan(sizes.before!); // one more package
    // the plan changed nothing on the host
    expect(fleet.inspect("p").generation).toBe(1);
  });

  it("selects hosts by tag", async () => {
    const plans = await planRollout({ dir: fleet.dir, select: { tags: ["db"] } });
    expect(plans.map((p) => p.host)).toEqual(["q"]);
  });

  it("lists the image variants of the host's NixOS and builds one with path, size and sha256", async () => {
    expect(await imageFormats({ dir: fleet.dir, host: "p" })).toEqual({ host: "p", formats: ["iso", "qemu"] });
    const progress: string[] = [];
    const image = await buildImage({ dir: fleet.dir, host: "p", format: "iso", onProgress: (l) => progress.push(l) });
    expect(image.path).toBe(`${image.out}/iso/nixos-p.iso`);
    expect(image.size).toBe(8192);
    expect(image.sha256).toBe(createHash("sha256").update(readFileSync(image.path)).digest("hex"));
    expect(image.sha256).toBe(createHash("sha256").update("x".repeat(8192)).digest("hex"));
  });

  it("deploys with --build-host and --substitute-on-destination (the build host here is q's own sshd)", async () => {
    const q = fleet.hosts.find((h) => h.name === "q")!;
    const result = await applyRollout({
      dir: fleet.dir,
      select: { names: ["q"] },
      buildHost: `root@127.0.0.1:${q.port}`,
      substituteOnDestination: true,
    });
    expect(result.outcome).toBe("succeeded");
    expect(result.state.header).toMatchObject({ buildHost: `root@127.0.0.1:${q.port}`, substituteOnDestination: true });
    const view = fleet.inspect("q");
    expect([view.generation, view.path, view.current]).toEqual([2, fleet.targetPath("q"), fleet.targetPath("q")]);
    expect(
      readJournal(fleet.dir, result.id).some(
        (r) => r.type === "step" && r.host === "q" && r.step === "copy" && r.phase === "end",
      ),
    ).toBe(true);
  });

  it("refuses a format the release does not offer, naming those it does", async () => {
    await expect(buildImage({ dir: fleet.dir, host: "p", format: "vmware" })).rejects.toMatchObject({
      code: "E_IMAGE_FORMAT",
      hint: expect.stringContaining("iso, qemu"),
    });
  });
});
