export const NOTIFIER_CONFIG = Symbol('NotifierConfig');
