/**
 * The emulator's webhook sender: builds a WorkOS event envelope, signs it like WorkOS
 * (`WorkOS-Signature: t=<ms>, v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`), POSTs it, and records
 * the receiver's answer. Knobs produce the deliveries a receiver must refuse.
 */
import { createHmac } from 'node:crypto';
import { newId, timestamp } from './ids';
import type { EmulatorWebhookDelivery, SendWebhookOptions } from './types';

export function signWebhookBody(secret: string, timestampMs: number, body: string): string {
  const signature = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs}, v1=${signature}`;
}

export class WebhookSender {
  readonly deliveries: EmulatorWebhookDelivery[] = [];
  secret: string | undefined;

  clear(): void {
    this.deliveries.length = 0;
  }

  async send(url: string, event: string, data: Record<string, unknown>, options: SendWebhookOptions = {}): Promise<EmulatorWebhookDelivery[]> {
    const secret = options.secret ?? this.secret;
    if (secret === undefined) {
      throw new Error('WorkOS emulator: no webhook secret; call emu.setWebhookSecret(secret) or pass { secret }.');
    }
    const eventId = options.eventId ?? newId('event');
    const envelope = { object: 'event', id: eventId, event, data, created_at: timestamp() };
    const signedBody = JSON.stringify(envelope);
    const header = signWebhookBody(secret, Date.now() + (options.timestampOffsetMs ?? 0), signedBody);
    let body = options.reserializeBody ? JSON.stringify(envelope, null, 2) : signedBody;
    if (options.tamperBody) body = options.tamperBody(body);

    const sent: EmulatorWebhookDelivery[] = [];
    for (let attempt = 0; attempt < (options.duplicate ? 2 : 1); attempt += 1) {
      const sentAt = Date.now();
      const started = performance.now();
      let status = 0;
      let responseBody = '';
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(!options.omitSignature && { 'WorkOS-Signature': header }) },
          body,
        });
        status = response.status;
        responseBody = await response.text();
      } catch (error) {
        responseBody = error instanceof Error ? error.message : String(error);
      }
      const delivery = { url, eventId, event, status, responseBody, sentAt, durationMs: performance.now() - started };
      this.deliveries.push(delivery);
      sent.push(delivery);
    }
    return sent;
  }
}
