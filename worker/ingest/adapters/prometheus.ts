// What Prometheus itself posts to an Alertmanager (POST /api/v2/alerts, a JSON array), so that a
// Prometheus without an Alertmanager pages Tocsin directly. A firing alert carries an `endsAt` in the
// future and is re-sent while it fires; an `endsAt` in the past resolves it. The door is dropin/prometheus.ts.
import { z } from 'zod';
import { validate } from '../../http';
import type { Adapter } from '../adapter';
import { jsonBody } from '../normalize';
import { alertmanagerAlertSchema, prometheusAlertEvent } from './alertmanager';

const postedAlertsSchema = z.array(alertmanagerAlertSchema.extend({ status: z.string().optional() })).max(1000);

export const prometheus: Adapter = {
  title: 'Prometheus (Alertmanager API)',
  events(request, { now }) {
    const alerts = validate(postedAlertsSchema, jsonBody(request, 'Prometheus'), 'alerts');
    return alerts.map((alert) => {
      const ends = alert.endsAt === undefined ? NaN : Date.parse(alert.endsAt);
      return prometheusAlertEvent({ ...alert, status: 'firing' }, ends <= now.getTime(), now);
    });
  },
};
