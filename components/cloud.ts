/** The cloud table lives with the settings that choose a cloud (components/config/cloud.ts). */
export * from "./config/cloud";
