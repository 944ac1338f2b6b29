export { doctor } from "./_doctor.ts";
export type { CheckStatus, DoctorCheck, DoctorOptions, DoctorReport } from "./_doctor.ts";
