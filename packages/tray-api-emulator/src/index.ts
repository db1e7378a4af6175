// Local stand-in for Tray's CDK deployment API.
export {};
