// Runs in every test file: whatever servers the file started are stopped after it, even when a beforeAll threw
// before the file's own afterAll had anything to stop. A run must leave no process behind (scripts/matrix.sh
// checks), and a leaked sshd would hold its port and temp dir until the machine restarts.
import { afterAll } from "vitest";
import { stopAllSshd } from "../fixtures/ssh.ts";

afterAll(async () => {
  await stopAllSshd();
});
