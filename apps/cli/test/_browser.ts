import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** test-artifacts/ at the repository root (gitignored): screenshots a person looks at after a run. */
export const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));

export interface OpenedPage {
  page: Page;
  /** Every request the page tried to make other than loading itself; each was refused. */
  requests: string[];
  /** alert/confirm/prompt dialogs the page opened (an injected script would). */
  dialogs: string[];
  close: () => Promise<void>;
}

/** Opens a local HTML file in Debian's headless Chromium with a fresh profile and every request refused. */
export async function openPage(file: string, viewport = { width: 1200, height: 900 }): Promise<OpenedPage> {
  const profile = await mkdtemp(join(tmpdir(), "paved-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport,
  });
  const requests: string[] = [];
  const dialogs: string[] = [];
  const url = `file://${file}`;
  await context.route("**/*", async (route) => {
    const target = route.request().url();
    if (target === url) return route.continue();
    requests.push(target);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: "load" });
  return {
    page,
    requests,
    dialogs,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
