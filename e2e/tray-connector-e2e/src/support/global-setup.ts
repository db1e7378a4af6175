import { packPackages } from './pack';

export default async function globalSetup(): Promise<void> {
  packPackages();
}
