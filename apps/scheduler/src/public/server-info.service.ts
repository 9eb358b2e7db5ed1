import { loadHealthCustomizations } from '@berth/infra';
import { toolVersions, type ToolVersions } from '@berth/render';
import { DEFAULT_APP_NAMESPACE } from '@berth/domain';
import { Injectable } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';
import { berthVersion } from '@berth/runtime';

/**
 * Argo CD's VersionMessage (`GET /api/version`). Berth is not written in Go: `GoVersion` holds the Node.js
 * version and `Compiler` says so; the build fields Berth does not record are absent.
 */
export interface VersionMessage {
  Version: string;
  Platform?: string;
  GoVersion?: string;
  Compiler?: string;
  HelmVersion?: string;
  KustomizeVersion?: string;
  KubectlVersion?: string;
  JsonnetVersion?: string;
}

/** Argo CD's ResourceOverride as its settings answer carries it (here: the Lua health checks). */
export interface ResourceOverride {
  healthLua: string;
  useOpenLibs: boolean;
}

/** The public subset of Argo CD's Settings (`GET /api/v1/settings`) that Berth has a value for. */
export interface PublicSettings {
  url?: string;
  statusBadgeEnabled: boolean;
  statusBadgeRootUrl?: string;
  appLabelKey: string;
  trackingMethod: string;
  /**
   * The SSO provider a login page and `berth login --sso` use (oidc.config of the accounts config): never its
   * client secret. Absent when SSO is not configured, as in Argo CD.
   */
  oidcConfig?: {
    name: string;
    issuer: string;
    clientID: string;
    scopes: string[];
    enablePKCEAuthentication: boolean;
  };
  execEnabled: boolean;
  appsInAnyNamespaceEnabled: boolean;
  hydratorEnabled: boolean;
  impersonationEnabled: boolean;
  uiBannerContent?: string;
  uiBannerURL?: string;
  uiBannerPermanent?: boolean;
  uiBannerPosition?: string;
  controllerNamespace?: string;
  resourceOverrides?: Record<string, ResourceOverride>;
}

/** Go's names for Node's architectures, as Argo CD's `Platform` (`linux/amd64`) spells them. */
const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };

/**
 * What Argo CD answers before login (its VersionService and SettingsService override authentication): an
 * anonymous caller learns the version and the settings a login page needs; tool versions, the banner and
 * resource overrides only once logged in (or with authentication off, which is Berth's state until the
 * authentication issue lands).
 */
@Injectable()
export class ServerInfoService {
  private overrides: Promise<Record<string, ResourceOverride>> | undefined;

  constructor(private readonly ctx: SchedulerContext) {}

  async version(loggedIn: boolean): Promise<VersionMessage> {
    const version = `v${berthVersion()}`;
    if (!loggedIn) return { Version: version };
    const tools: Partial<Record<keyof ToolVersions | 'jsonnet', string>> = await toolVersions();
    return {
      Version: version,
      Platform: `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
      GoVersion: `node ${process.version}`,
      Compiler: 'tsc (Node.js)',
      ...known('HelmVersion', tools.helm),
      ...known('KustomizeVersion', tools.kustomize),
      ...known('KubectlVersion', tools.kubectl),
      ...known('JsonnetVersion', tools.jsonnet),
    };
  }

  private oidcConfig(): Pick<PublicSettings, 'oidcConfig'> {
    const oidc = this.ctx.auth.settings.oidc;
    if (!oidc) return {};
    return {
      oidcConfig: {
        name: oidc.name,
        issuer: oidc.issuer,
        clientID: oidc.clientID,
        scopes: [...oidc.requestedScopes],
        // Berth's login (/auth/login) always uses authorization code + PKCE.
        enablePKCEAuthentication: true,
      },
    };
  }

  async settings(loggedIn: boolean): Promise<PublicSettings> {
    const settings = this.ctx.config.serverSettings;
    const banner = settings.uiBanner;
    return {
      ...(settings.url ? { url: settings.url } : {}),
      statusBadgeEnabled: settings.statusBadgeEnabled,
      ...(settings.statusBadgeRootUrl ? { statusBadgeRootUrl: settings.statusBadgeRootUrl } : {}),
      // Argo CD's default label key; Berth tracks resources by annotation only (tracking-id).
      appLabelKey: 'app.kubernetes.io/instance',
      trackingMethod: 'annotation',
      ...this.oidcConfig(),
      execEnabled: false,
      appsInAnyNamespaceEnabled: false,
      hydratorEnabled: false,
      impersonationEnabled: false,
      ...(loggedIn
        ? {
            ...(banner.content ? { uiBannerContent: banner.content } : {}),
            ...(banner.url ? { uiBannerURL: banner.url } : {}),
            ...(banner.permanent ? { uiBannerPermanent: true } : {}),
            ...(banner.position ? { uiBannerPosition: banner.position } : {}),
            controllerNamespace: DEFAULT_APP_NAMESPACE,
            resourceOverrides: await this.resourceOverrides(),
          }
        : {}),
    };
  }

  /**
   * The Lua health checks of BERTH_RESOURCE_CUSTOMIZATIONS_DIR keyed as argocd-cm keys them (`group/Kind`,
   * the kind alone for the core group, `*` for a wildcard directory's `_`). Read once per process, as the
   * workers read them at start.
   */
  private resourceOverrides(): Promise<Record<string, ResourceOverride>> {
    const dir = this.ctx.config.resourceCustomizationsDir;
    if (!dir) return Promise.resolve({});
    this.overrides ??= loadHealthCustomizations(dir).then(
      (scripts) =>
        Object.fromEntries(
          scripts.map(({ group, kind, script }) => {
            const key = (group ? `${group}/${kind}` : kind).replace(/_/g, '*');
            return [key, { healthLua: script, useOpenLibs: false }];
          }),
        ),
      // The workers refuse to start over an unreadable directory; the settings page still answers.
      () => {
        this.overrides = undefined;
        return {};
      },
    );
    return this.overrides;
  }
}

/** A tool's version field, when the tool is there to report one. */
function known(field: string, value: string | undefined): Record<string, string> {
  return value && value !== 'missing' && value !== 'unknown' ? { [field]: value } : {};
}
