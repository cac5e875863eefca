export const FRONT_CONFIG = Symbol('RegistryFrontConfig');
