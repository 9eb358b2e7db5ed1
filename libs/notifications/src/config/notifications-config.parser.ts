import { parse as parseYaml } from 'yaml';
import { compileExpr, type CompiledExpr } from '@berth/expr';
import type { TriggerCondition, TriggerDefinition } from '../triggers/trigger.types';
import { LabelSelectorError, parseLabelSelector } from './label-selector';
import { NotificationsConfigError } from './notifications-config.errors';
import {
  type ConfigIssue,
  DEFAULT_DINGTALK_API_URL,
  DEFAULT_SLACK_API_URL,
  type DingTalkMsgType,
  type DingTalkTemplate,
  type GlobalSubscription,
  type NotificationsConfig,
  type NotificationTemplate,
  type ParseConfigResult,
  type SecretLookup,
  type SecretReference,
  type ServiceConfig,
  type SlackDeliveryPolicy,
  type SlackTemplate,
  type WebhookHeader,
  type WebhookTemplate,
} from './notifications-config.types';

export interface ParseConfigOptions {
  /** Resolves `$name` in service config; an unresolvable reference is an error naming the key. */
  secrets?: SecretLookup;
  /**
   * Checks one template string (e.g. compiles it with the Go template engine); returns an error message or
   * undefined. Without it templates are only checked structurally.
   */
  checkTemplate?: (source: string) => string | undefined;
  /**
   * Judges a service endpoint (e.g. against the outbound policy: no link-local or cloud metadata hosts);
   * returns why it is refused, or undefined. The message must not echo the URL: URLs carry tokens.
   */
  checkDestination?: (url: URL) => string | undefined;
}

const SECRET_REF = /\$[\w-]+/g;
const SUPPORTED_SERVICE_TYPES = ['slack', 'dingtalk', 'webhook'];
const SLACK_POLICIES: SlackDeliveryPolicy[] = ['Post', 'PostAndUpdate', 'Update'];
const DINGTALK_TYPES: DingTalkMsgType[] = ['markdown', 'text', 'actionCard'];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses an `argocd-notifications-cm` ConfigMap (YAML text or object, with `data:`) or its bare data map.
 * Returns every problem at once, each naming the exact key and how to fix it; keep the last good config on failure.
 */
export function parseNotificationsConfig(
  input: string | Obj,
  options: ParseConfigOptions = {},
): ParseConfigResult {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const data = extractData(input, errors);
  const config: NotificationsConfig = {
    services: {},
    templates: {},
    triggers: {},
    defaultTriggers: [],
    defaultTriggersByService: {},
    subscriptions: [],
    context: {},
  };
  const ctx = new ParseContext(errors, warnings, options);
  const unsupportedServices = new Set<string>();

  // Templates first: triggers and subscriptions are checked against them.
  for (const [key, raw] of Object.entries(data)) {
    if (key.startsWith('template.')) {
      const name = key.slice('template.'.length);
      const value = ctx.yamlValue(key, raw);
      if (value === undefined) continue;
      const template = ctx.template(key, name, value);
      if (template) config.templates[name] = template;
    }
  }
  for (const [key, raw] of Object.entries(data)) {
    if (key.startsWith('service.')) {
      const parts = key.split('.');
      if (parts.length > 3 || parts.some((p) => p === '')) {
        ctx.error(key, "invalid service key; expected 'service.<type>' or 'service.<type>.<name>'");
        continue;
      }
      const type = parts[1]!;
      const name = parts[2] ?? type;
      if (!SUPPORTED_SERVICE_TYPES.includes(type)) {
        ctx.warn(
          key,
          `service type "${type}" is not supported by Berth (supported: ${SUPPORTED_SERVICE_TYPES.join(', ')}); notifications to "${name}" will fail`,
        );
        unsupportedServices.add(name);
        continue;
      }
      const value = ctx.yamlValue(key, raw);
      if (value === undefined) continue;
      const service = ctx.service(key, type, name, value);
      if (service) config.services[name] = service;
    } else if (key.startsWith('trigger.')) {
      const name = key.slice('trigger.'.length);
      const value = ctx.yamlValue(key, raw);
      if (value === undefined) continue;
      const trigger = ctx.trigger(key, name, value, config.templates);
      if (trigger) config.triggers[name] = trigger;
    } else if (key === 'context') {
      const value = ctx.yamlValue(key, raw);
      if (value === undefined) continue;
      if (!isObj(value)) ctx.error(key, 'must be a map of name: value');
      else
        for (const [k, v] of Object.entries(value)) {
          if (v === null || v === undefined) config.context[k] = '';
          else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
            config.context[k] = String(v);
          else ctx.error(`context.${k}`, `must be a string (templates read it as .context.${k})`);
        }
    } else if (key === 'config.yaml') {
      ctx.warn(
        key,
        'the legacy config.yaml format is not supported; move its triggers/templates to trigger.<name>/template.<name> keys',
      );
    }
  }
  const knownServices = new Set([...Object.keys(config.services), ...unsupportedServices]);
  for (const [key, raw] of Object.entries(data)) {
    if (key === 'defaultTriggers' || key.startsWith('defaultTriggers.')) {
      const value = ctx.yamlValue(key, raw);
      if (value === undefined) continue;
      const list = ctx.triggerList(key, value, config.triggers);
      if (key === 'defaultTriggers') config.defaultTriggers = list;
      else config.defaultTriggersByService[key.slice('defaultTriggers.'.length)] = list;
    } else if (key === 'subscriptions') {
      const value = ctx.yamlValue(key, raw);
      if (value === undefined) continue;
      config.subscriptions = ctx.subscriptions(key, value, config.triggers, knownServices);
    }
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, config, warnings, secretReferences: ctx.secretReferences };
}

/** Same as parseNotificationsConfig but throws NotificationsConfigError listing every problem. */
export function parseNotificationsConfigOrThrow(
  input: string | Obj,
  options: ParseConfigOptions = {},
): NotificationsConfig {
  const result = parseNotificationsConfig(input, options);
  if (!result.ok) throw new NotificationsConfigError(result.errors);
  return result.config;
}

function extractData(input: string | Obj, errors: ConfigIssue[]): Obj {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input);
    } catch (err) {
      errors.push({ key: '(document)', message: `not valid YAML: ${(err as Error).message}` });
      return {};
    }
  }
  if (doc === null || doc === undefined) return {};
  if (!isObj(doc)) {
    errors.push({
      key: '(document)',
      message: 'expected a ConfigMap or a map of keys like service.slack, trigger.<name>',
    });
    return {};
  }
  if (doc.kind === 'ConfigMap' || (isObj(doc.data) && doc.apiVersion !== undefined))
    return isObj(doc.data) ? doc.data : {};
  return doc;
}

class ParseContext {
  /** Every `$name` in a service's config, with the service that carries it (for secret bindings). */
  readonly secretReferences: SecretReference[] = [];
  private currentService: { key: string; name: string } | undefined;

  constructor(
    private readonly errors: ConfigIssue[],
    private readonly warnings: ConfigIssue[],
    private readonly options: ParseConfigOptions,
  ) {}

  error(key: string, message: string): void {
    this.errors.push({ key, message });
  }

  warn(key: string, message: string): void {
    this.warnings.push({ key, message });
  }

  /** ConfigMap values are YAML inside a string; objects (already parsed) pass through. */
  yamlValue(key: string, raw: unknown): unknown {
    if (typeof raw !== 'string') return raw ?? null;
    try {
      return parseYaml(raw) ?? null;
    } catch (err) {
      this.error(key, `value is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }

  private str(key: string, v: unknown, opts: { required?: boolean; hint?: string } = {}): string | undefined {
    if (v === undefined || v === null) {
      if (opts.required) this.error(key, `is required${opts.hint ? `: ${opts.hint}` : ''}`);
      return undefined;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.error(key, `must be a string, got ${Array.isArray(v) ? 'a list' : typeof v}`);
    return undefined;
  }

  private bool(key: string, v: unknown): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.error(key, 'must be true or false');
    return undefined;
  }

  private stringList(key: string, v: unknown): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.error(key, 'must be a list, e.g. [a, b]');
      return undefined;
    }
    return v.flatMap((item, i) => {
      const s = this.str(`${key}[${i}]`, item);
      return s === undefined ? [] : [s];
    });
  }

  /** Replaces `$secret-name` in every string of a service config; a missing secret is an error naming the key. */
  private resolveSecrets(key: string, v: unknown): unknown {
    if (typeof v === 'string') {
      return v.replace(SECRET_REF, (ref) => {
        const name = ref.slice(1);
        const service = this.currentService;
        if (service && !this.secretReferences.some((r) => r.serviceKey === service.key && r.secret === name))
          this.secretReferences.push({ serviceKey: service.key, service: service.name, secret: name });
        const value = this.options.secrets?.(name);
        if (value === undefined) {
          this.error(
            key,
            `secret reference "${ref}" cannot be resolved: add key "${name}" to argocd-notifications-secret or fix the reference`,
          );
          return ref;
        }
        return value;
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => this.resolveSecrets(`${key}[${i}]`, item));
    if (isObj(v))
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, this.resolveSecrets(`${key}.${k}`, x)]),
      );
    return v;
  }

  service(key: string, type: string, name: string, raw: unknown): ServiceConfig | undefined {
    if (!isObj(raw)) {
      this.error(key, 'must be a map of service options');
      return undefined;
    }
    this.currentService = { key, name };
    const v = this.resolveSecrets(key, raw) as Obj;
    this.currentService = undefined;
    if (type === 'slack') {
      const token = this.str(`${key}.token`, v.token);
      const webhookURL = this.str(`${key}.webhookURL`, v.webhookURL);
      if (!token && !webhookURL) {
        this.error(
          key,
          'set token (a bot token, usually token: $slack-token) or webhookURL (an incoming webhook URL)',
        );
      }
      if (webhookURL) this.url(`${key}.webhookURL`, webhookURL);
      const apiURL = this.str(`${key}.apiURL`, v.apiURL) ?? DEFAULT_SLACK_API_URL;
      this.url(`${key}.apiURL`, apiURL);
      return {
        type,
        name,
        token,
        webhookURL,
        apiURL: apiURL.endsWith('/') ? apiURL : `${apiURL}/`,
        username: this.str(`${key}.username`, v.username),
        icon: this.str(`${key}.icon`, v.icon),
        disableUnfurl: this.bool(`${key}.disableUnfurl`, v.disableUnfurl),
        insecureSkipVerify: this.bool(`${key}.insecureSkipVerify`, v.insecureSkipVerify),
      };
    }
    if (type === 'dingtalk') {
      let webhookURL = this.str(`${key}.webhookURL`, v.webhookURL ?? v.url);
      const accessToken = this.str(`${key}.accessToken`, v.accessToken);
      if (!webhookURL && accessToken) {
        const apiURL = (this.str(`${key}.apiURL`, v.apiURL) ?? DEFAULT_DINGTALK_API_URL).replace(/\/+$/, '');
        webhookURL = `${apiURL}/robot/send?access_token=${encodeURIComponent(accessToken)}`;
      }
      if (!webhookURL) {
        this.error(
          key,
          'set webhookURL (https://oapi.dingtalk.com/robot/send?access_token=...) or accessToken: $dingtalk-token',
        );
        return undefined;
      }
      if (!this.url(`${key}.webhookURL`, webhookURL)) return undefined;
      return {
        type,
        name,
        webhookURL,
        secret: this.str(`${key}.secret`, v.secret),
        atMobiles: this.stringList(`${key}.atMobiles`, v.atMobiles),
        isAtAll: this.bool(`${key}.isAtAll`, v.isAtAll),
      };
    }
    const url = this.str(`${key}.url`, v.url, {
      required: true,
      hint: 'the endpoint, e.g. url: https://example.com/hook',
    });
    const headers: WebhookHeader[] = [];
    if (v.headers !== undefined && v.headers !== null) {
      if (!Array.isArray(v.headers)) this.error(`${key}.headers`, 'must be a list of {name, value}');
      else
        v.headers.forEach((h, i) => {
          const hk = `${key}.headers[${i}]`;
          if (!isObj(h)) return this.error(hk, 'must be a map with name and value');
          const hName = this.str(`${hk}.name`, h.name, { required: true });
          const hValue = this.str(`${hk}.value`, h.value, { required: true });
          if (hName !== undefined && hValue !== undefined) headers.push({ name: hName, value: hValue });
        });
    }
    let basicAuth: { username: string; password: string } | undefined;
    if (v.basicAuth !== undefined && v.basicAuth !== null) {
      if (!isObj(v.basicAuth)) this.error(`${key}.basicAuth`, 'must be a map with username and password');
      else {
        const username = this.str(`${key}.basicAuth.username`, v.basicAuth.username, { required: true });
        const password = this.str(`${key}.basicAuth.password`, v.basicAuth.password, { required: true });
        if (username !== undefined && password !== undefined) basicAuth = { username, password };
      }
    }
    if (url === undefined || !this.url(`${key}.url`, url)) return undefined;
    return {
      type: 'webhook',
      name,
      url,
      headers,
      basicAuth,
      insecureSkipVerify: this.bool(`${key}.insecureSkipVerify`, v.insecureSkipVerify),
    };
  }

  private url(key: string, value: string): boolean {
    try {
      const u = new URL(value);
      if (u.protocol === 'http:' || u.protocol === 'https:') {
        const refusal = this.options.checkDestination?.(u);
        if (refusal) this.error(key, refusal);
        return !refusal;
      }
    } catch {
      // reported below
    }
    // Never echo the value: URLs often carry tokens.
    this.error(key, 'must be an absolute http(s) URL');
    return false;
  }

  private templateText(key: string, v: unknown): string | undefined {
    const s = this.str(key, v);
    if (s !== undefined && this.options.checkTemplate) {
      const problem = this.options.checkTemplate(s);
      if (problem) this.error(key, problem);
    }
    return s;
  }

  template(key: string, name: string, raw: unknown): NotificationTemplate | undefined {
    if (!isObj(raw)) {
      this.error(key, 'must be a map with message and/or slack, dingtalk, webhook, email sections');
      return undefined;
    }
    const template: NotificationTemplate = {
      name,
      message: this.templateText(`${key}.message`, raw.message),
    };
    if (raw.email !== undefined && raw.email !== null) {
      if (!isObj(raw.email)) this.error(`${key}.email`, 'must be a map with subject and body');
      else
        template.email = {
          subject: this.templateText(`${key}.email.subject`, raw.email.subject),
          body: this.templateText(`${key}.email.body`, raw.email.body),
        };
    }
    if (raw.slack !== undefined && raw.slack !== null)
      template.slack = this.slackTemplate(`${key}.slack`, raw.slack);
    if (raw.dingtalk !== undefined && raw.dingtalk !== null) {
      template.dingtalk = this.dingTalkTemplate(`${key}.dingtalk`, raw.dingtalk);
    }
    if (raw.webhook !== undefined && raw.webhook !== null) {
      if (!isObj(raw.webhook)) this.error(`${key}.webhook`, 'must be a map keyed by webhook service name');
      else {
        const hooks: Record<string, WebhookTemplate> = {};
        for (const [service, spec] of Object.entries(raw.webhook)) {
          const wk = `${key}.webhook.${service}`;
          if (!isObj(spec)) {
            this.error(wk, 'must be a map with method, path and body');
            continue;
          }
          const method = (this.str(`${wk}.method`, spec.method) ?? 'GET').toUpperCase();
          if (!HTTP_METHODS.includes(method))
            this.error(`${wk}.method`, `must be one of ${HTTP_METHODS.join(', ')}`);
          hooks[service] = {
            method,
            path: this.templateText(`${wk}.path`, spec.path),
            body: this.templateText(`${wk}.body`, spec.body),
          };
        }
        template.webhook = hooks;
      }
    }
    return template;
  }

  private slackTemplate(key: string, raw: unknown): SlackTemplate | undefined {
    if (!isObj(raw)) {
      this.error(key, 'must be a map (attachments, blocks, groupingKey, notifyBroadcast, deliveryPolicy)');
      return undefined;
    }
    const policy = this.str(`${key}.deliveryPolicy`, raw.deliveryPolicy);
    if (policy !== undefined && !SLACK_POLICIES.includes(policy as SlackDeliveryPolicy)) {
      this.error(`${key}.deliveryPolicy`, `must be one of ${SLACK_POLICIES.join(', ')}`);
    }
    const groupingKey = this.templateText(`${key}.groupingKey`, raw.groupingKey);
    if ((policy === 'Update' || policy === 'PostAndUpdate') && !groupingKey) {
      this.error(
        `${key}.deliveryPolicy`,
        `${policy} updates the first message of a thread: set groupingKey too`,
      );
    }
    return {
      username: this.templateText(`${key}.username`, raw.username),
      icon: this.templateText(`${key}.icon`, raw.icon),
      attachments: this.templateText(`${key}.attachments`, raw.attachments),
      blocks: this.templateText(`${key}.blocks`, raw.blocks),
      groupingKey,
      notifyBroadcast: this.bool(`${key}.notifyBroadcast`, raw.notifyBroadcast),
      deliveryPolicy: policy as SlackDeliveryPolicy | undefined,
    };
  }

  private dingTalkTemplate(key: string, raw: unknown): DingTalkTemplate | undefined {
    if (!isObj(raw)) {
      this.error(key, 'must be a map (msgType, title, text, atMobiles, isAtAll, ...)');
      return undefined;
    }
    const msgType = this.str(`${key}.msgType`, raw.msgType ?? raw.msgtype);
    if (msgType !== undefined && !DINGTALK_TYPES.includes(msgType as DingTalkMsgType)) {
      this.error(`${key}.msgType`, `must be one of ${DINGTALK_TYPES.join(', ')}`);
    }
    let btns: Array<{ title: string; actionURL: string }> | undefined;
    if (raw.btns !== undefined && raw.btns !== null) {
      if (!Array.isArray(raw.btns)) this.error(`${key}.btns`, 'must be a list of {title, actionURL}');
      else
        btns = raw.btns.flatMap((b, i) => {
          const bk = `${key}.btns[${i}]`;
          if (!isObj(b)) {
            this.error(bk, 'must be a map with title and actionURL');
            return [];
          }
          const title = this.templateText(`${bk}.title`, b.title);
          const actionURL = this.templateText(`${bk}.actionURL`, b.actionURL);
          if (title === undefined || actionURL === undefined) {
            this.error(bk, 'needs both title and actionURL');
            return [];
          }
          return [{ title, actionURL }];
        });
    }
    if (msgType === 'actionCard' && !btns && raw.singleURL === undefined) {
      this.error(key, 'an actionCard needs singleTitle + singleURL or btns');
    }
    return {
      msgType: msgType as DingTalkMsgType | undefined,
      title: this.templateText(`${key}.title`, raw.title),
      text: this.templateText(`${key}.text`, raw.text),
      atMobiles: this.stringList(`${key}.atMobiles`, raw.atMobiles),
      isAtAll: this.bool(`${key}.isAtAll`, raw.isAtAll),
      singleTitle: this.templateText(`${key}.singleTitle`, raw.singleTitle),
      singleURL: this.templateText(`${key}.singleURL`, raw.singleURL),
      btnOrientation: this.str(`${key}.btnOrientation`, raw.btnOrientation),
      btns,
    };
  }

  private expr(key: string, source: string): CompiledExpr | undefined {
    try {
      return compileExpr(source);
    } catch (err) {
      this.error(key, (err as Error).message);
      return undefined;
    }
  }

  trigger(
    key: string,
    name: string,
    raw: unknown,
    templates: Readonly<Record<string, NotificationTemplate>>,
  ): TriggerDefinition | undefined {
    if (!Array.isArray(raw)) {
      this.error(
        key,
        'must be a list of conditions: "- when: ...\\n  send: [template]" (a bare map is not accepted, as in Argo CD)',
      );
      return undefined;
    }
    const conditions: TriggerCondition[] = [];
    let valid = true;
    raw.forEach((item, i) => {
      const ck = `${key}[${i}]`;
      if (!isObj(item)) {
        this.error(ck, 'must be a map with when, send and optional oncePer');
        valid = false;
        return;
      }
      const whenSource = this.str(`${ck}.when`, item.when);
      const when = this.expr(
        `${ck}.when`,
        whenSource === undefined || whenSource.trim() === '' ? 'false' : whenSource,
      );
      const oncePerSource = this.str(`${ck}.oncePer`, item.oncePer);
      const oncePer = oncePerSource ? this.expr(`${ck}.oncePer`, oncePerSource) : undefined;
      const send = this.stringList(`${ck}.send`, item.send) ?? [];
      if (send.length === 0)
        this.error(`${ck}.send`, 'list the templates to send, e.g. send: [app-sync-succeeded]');
      send.forEach((t, j) => {
        if (!Object.hasOwn(templates, t)) {
          this.error(
            `${ck}.send[${j}]`,
            `template "${t}" is not defined: add a template.${t} key or fix the name`,
          );
        }
      });
      if (!when || (oncePerSource && !oncePer)) valid = false;
      else
        conditions.push({
          when,
          send,
          oncePer,
          description: this.str(`${ck}.description`, item.description),
        });
    });
    return valid ? { name, conditions } : undefined;
  }

  triggerList(key: string, raw: unknown, triggers: Readonly<Record<string, TriggerDefinition>>): string[] {
    const list = this.stringList(key, raw) ?? [];
    list.forEach((t, i) => {
      if (!Object.hasOwn(triggers, t))
        this.error(`${key}[${i}]`, `trigger "${t}" is not defined: add a trigger.${t} key or fix the name`);
    });
    return list;
  }

  subscriptions(
    key: string,
    raw: unknown,
    triggers: Readonly<Record<string, TriggerDefinition>>,
    services: ReadonlySet<string>,
  ): GlobalSubscription[] {
    if (!Array.isArray(raw)) {
      this.error(key, 'must be a list of {recipients, triggers, selector}');
      return [];
    }
    return raw.flatMap((item, i) => {
      const sk = `${key}[${i}]`;
      if (!isObj(item)) {
        this.error(sk, 'must be a map with recipients, triggers and selector');
        return [];
      }
      const recipients = (this.stringList(`${sk}.recipients`, item.recipients) ?? []).flatMap((r, j) => {
        // Argo CD splits on ':' and keeps two parts; a recipient containing ':' would be truncated, so reject it.
        const parts = r.split(':');
        const service = parts[0]!.trim();
        if (parts.length > 2) {
          this.error(
            `${sk}.recipients[${j}]`,
            'expected "<service>:<recipient>" or "<service>" (only one ":")',
          );
          return [];
        }
        if (!services.has(service)) {
          this.error(
            `${sk}.recipients[${j}]`,
            `service "${service}" is not configured: add service.${service} or fix the name`,
          );
          return [];
        }
        return [{ service, recipient: (parts[1] ?? '').trim() }];
      });
      if (recipients.length === 0)
        this.error(`${sk}.recipients`, 'list at least one "<service>:<recipient>"');
      const subTriggers = this.triggerList(`${sk}.triggers`, item.triggers ?? [], triggers);
      let selector: GlobalSubscription['selector'] = [];
      const selectorText = this.str(`${sk}.selector`, item.selector);
      if (selectorText) {
        try {
          selector = parseLabelSelector(selectorText);
        } catch (err) {
          if (!(err instanceof LabelSelectorError)) throw err;
          this.error(`${sk}.selector`, err.message);
        }
      }
      return [{ recipients, triggers: subTriggers, selector }];
    });
  }
}
