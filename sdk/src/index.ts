// Placeholder: the typed SDK is generated from the OpenAPI document in a later issue.
export const SDK_VERSION = '0.0.0';
