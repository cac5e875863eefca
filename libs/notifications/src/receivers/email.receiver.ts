import { z } from 'zod';
import { sendEmail, type EmailTarget } from '../email.sender';
import { DeliveryErrorCode, NotificationDeliveryError } from '../notification-errors';
import { NO_SECRET, type Receiver } from './receiver';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAIL_MESSAGE = 'must be an email address';

/** Email over the SMTP server of the service's settings: a text and an HTML part. */
export const emailReceiver: Receiver<'email', EmailTarget> = {
  method: 'email',
  configSchema: z
    .object({ email: z.string({ error: EMAIL_MESSAGE }).regex(EMAIL, { error: EMAIL_MESSAGE }), secret: NO_SECRET })
    .transform(({ email }) => ({ target: email, secret: null })),
  view: (rule) => ({ email: rule.target }),
  guardsAddress: false,
  targetOf: ({ target }) => ({ to: target }),
  async send(target, payload, options) {
    if (!options.smtp) {
      const error = new NotificationDeliveryError(DeliveryErrorCode.NotConfigured, 'email delivery needs SMTP settings', { retryable: false });
      return { ok: false, statusCode: null, error, durationMs: 0 };
    }
    return sendEmail(options.smtp, target, payload, { deliveryId: options.deliveryId, timeoutMs: options.timeoutMs });
  },
};
