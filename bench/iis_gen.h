/* Writes a realistic applicationHost.config for a hosting server with N sites: the usual
 * configSections and global system.webServer, one pool per site (every 7th site shares its
 * neighbour's pool, every 10th pool is a SpecificUser), 3 bindings, a log directory and limits
 * per site, an /api application on every third site, and a <location> per site with the
 * authentication, request filtering and default documents hosters set (every 5th site keeps
 * IUSR). `pad` adds that many static-content MIME maps to every location: a bigger file with
 * the same sites, to show memory follows sites, not bytes. Deterministic. Shared by iis_gen.c
 * and iis_bench.c. */
#ifndef TL_BENCH_IIS_GEN_H
#define TL_BENCH_IIS_GEN_H
#include <stdio.h>

static void iis_gen_write(FILE *f, unsigned n, unsigned pad)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n"
          "    <configSections>\n"
          "        <sectionGroup name=\"system.applicationHost\">\n"
          "            <section name=\"applicationPools\" allowDefinition=\"AppHostOnly\" "
          "overrideModeDefault=\"Deny\" />\n"
          "            <section name=\"sites\" allowDefinition=\"AppHostOnly\" "
          "overrideModeDefault=\"Deny\" />\n"
          "        </sectionGroup>\n"
          "        <sectionGroup name=\"system.webServer\">\n"
          "            <section name=\"defaultDocument\" overrideModeDefault=\"Allow\" />\n"
          "            <section name=\"handlers\" overrideModeDefault=\"Deny\" />\n"
          "            <section name=\"httpErrors\" overrideModeDefault=\"Allow\" />\n"
          "            <section name=\"modules\" allowDefinition=\"MachineToApplication\" "
          "overrideModeDefault=\"Deny\" />\n"
          "            <sectionGroup name=\"security\">\n"
          "                <section name=\"requestFiltering\" overrideModeDefault=\"Allow\" />\n"
          "                <sectionGroup name=\"authentication\">\n"
          "                    <section name=\"anonymousAuthentication\" "
          "overrideModeDefault=\"Deny\" />\n"
          "                    <section name=\"windowsAuthentication\" "
          "overrideModeDefault=\"Deny\" />\n"
          "                </sectionGroup>\n"
          "            </sectionGroup>\n"
          "        </sectionGroup>\n"
          "    </configSections>\n"
          "    <system.applicationHost>\n"
          "        <applicationPools>\n",
          f);
    for (unsigned i = 0; i < n; i++) {
        if (i % 7 == 6)
            continue; /* shares the previous site's pool */
        fprintf(f,
                "            <add name=\"pool%05u\" managedRuntimeVersion=\"v4.0\" "
                "startMode=\"OnDemand\">\n",
                i);
        if (i % 10 == 9)
            fprintf(f,
                    "                <processModel identityType=\"SpecificUser\" "
                    "userName=\"HOSTING\\web%05u\" "
                    "password=\"[enc:IISCngProvider:c2VjcmV0:enc]\" idleTimeout=\"00:20:00\" />\n",
                    i);
        else
            fputs("                <processModel identityType=\"ApplicationPoolIdentity\" "
                  "idleTimeout=\"00:20:00\" loadUserProfile=\"true\" />\n",
                  f);
        fputs(
            "                <recycling logEventOnRecycle=\"Time, Memory\">\n"
            "                    <periodicRestart time=\"1.05:00:00\" privateMemory=\"1048576\">\n"
            "                        <schedule><add value=\"03:00:00\" /></schedule>\n"
            "                    </periodicRestart>\n"
            "                </recycling>\n"
            "                <failure rapidFailProtection=\"true\" "
            "rapidFailProtectionMaxCrashes=\"5\" />\n"
            "                <cpu limit=\"20000\" action=\"Throttle\" resetInterval=\"00:05:00\" "
            "/>\n"
            "            </add>\n",
            f);
    }
    fputs("            <applicationPoolDefaults managedRuntimeVersion=\"v4.0\">\n"
          "                <processModel identityType=\"ApplicationPoolIdentity\" />\n"
          "            </applicationPoolDefaults>\n"
          "        </applicationPools>\n"
          "        <sites>\n",
          f);
    for (unsigned i = 0; i < n; i++) {
        unsigned pool = i % 7 == 6 ? i - 1 : i;
        fprintf(f,
                "            <site name=\"site%05u.example\" id=\"%u\" serverAutoStart=\"true\">\n",
                i, i + 1);
        fprintf(f,
                "                <application path=\"/\" applicationPool=\"pool%05u\">\n"
                "                    <virtualDirectory path=\"/\" "
                "physicalPath=\"D:\\hosting\\site%05u.example\\wwwroot\" />\n"
                "                </application>\n",
                pool, i);
        if (i % 3 == 0)
            fprintf(f,
                    "                <application path=\"/api\" applicationPool=\"pool%05u\">\n"
                    "                    <virtualDirectory path=\"/\" "
                    "physicalPath=\"D:\\hosting\\site%05u.example\\api\" />\n"
                    "                </application>\n",
                    pool, i);
        fprintf(
            f,
            "                <bindings>\n"
            "                    <binding protocol=\"http\" "
            "bindingInformation=\"*:80:site%05u.example\" />\n"
            "                    <binding protocol=\"http\" "
            "bindingInformation=\"*:80:www.site%05u.example\" />\n"
            "                    <binding protocol=\"https\" "
            "bindingInformation=\"*:443:www.site%05u.example\" sslFlags=\"1\" />\n"
            "                </bindings>\n"
            "                <logFile directory=\"D:\\logs\\site%05u\" period=\"Daily\" />\n"
            "                <traceFailedRequestsLogging enabled=\"false\" "
            "directory=\"D:\\logs\\frt\\site%05u\" />\n"
            "                <limits connectionTimeout=\"00:02:00\" maxBandwidth=\"10485760\" />\n"
            "            </site>\n",
            i, i, i, i, i);
    }
    fputs("            <siteDefaults>\n"
          "                <logFile logFormat=\"W3C\" "
          "directory=\"%SystemDrive%\\inetpub\\logs\\LogFiles\" />\n"
          "            </siteDefaults>\n"
          "            <applicationDefaults applicationPool=\"DefaultAppPool\" />\n"
          "            <virtualDirectoryDefaults allowSubDirConfig=\"true\" />\n"
          "        </sites>\n"
          "    </system.applicationHost>\n"
          "    <system.webServer>\n"
          "        <modules>\n",
          f);
    static const char *const mods[] = {"HttpCacheModule",
                                       "StaticCompressionModule",
                                       "DefaultDocumentModule",
                                       "DirectoryListingModule",
                                       "IsapiFilterModule",
                                       "ProtocolSupportModule",
                                       "StaticFileModule",
                                       "AnonymousAuthenticationModule",
                                       "WindowsAuthenticationModule",
                                       "RequestFilteringModule",
                                       "CustomErrorModule",
                                       "HttpLoggingModule",
                                       "FailedRequestsTracingModule",
                                       "IsapiModule",
                                       "ConfigurationValidationModule",
                                       "UrlRewriteModule"};
    for (unsigned i = 0; i < sizeof mods / sizeof mods[0]; i++)
        fprintf(f, "            <add name=\"%s\" lockItem=\"true\" />\n", mods[i]);
    fputs("        </modules>\n"
          "        <security>\n"
          "            <authentication>\n"
          "                <anonymousAuthentication enabled=\"true\" userName=\"IUSR\" />\n"
          "                <windowsAuthentication enabled=\"false\">\n"
          "                    <providers><add value=\"Negotiate\" /><add value=\"NTLM\" "
          "/></providers>\n"
          "                </windowsAuthentication>\n"
          "            </authentication>\n"
          "            <requestFiltering>\n"
          "                <fileExtensions allowUnlisted=\"true\"><add fileExtension=\".config\" "
          "allowed=\"false\" /></fileExtensions>\n"
          "            </requestFiltering>\n"
          "        </security>\n"
          "    </system.webServer>\n",
          f);
    for (unsigned i = 0; i < n; i++) {
        fprintf(f,
                "    <location path=\"site%05u.example\" overrideMode=\"Allow\">\n"
                "        <system.webServer>\n"
                "            <security>\n"
                "                <authentication>\n",
                i);
        if (i % 5 != 4)
            fputs("                    <anonymousAuthentication userName=\"\" />\n", f);
        fputs("                    <windowsAuthentication enabled=\"false\" />\n"
              "                </authentication>\n"
              "                <requestFiltering><requestLimits "
              "maxAllowedContentLength=\"30000000\" /></requestFiltering>\n"
              "            </security>\n"
              "            <defaultDocument><files><clear /><add value=\"index.php\" /><add "
              "value=\"default.aspx\" /></files></defaultDocument>\n"
              "            <httpErrors errorMode=\"DetailedLocalOnly\" />\n",
              f);
        if (pad) {
            fputs("            <staticContent>\n", f);
            for (unsigned k = 0; k < pad; k++)
                fprintf(f,
                        "                <mimeMap fileExtension=\".x%04u\" "
                        "mimeType=\"application/x-site%05u-%04u\" />\n",
                        k, i, k);
            fputs("            </staticContent>\n", f);
        }
        fputs("        </system.webServer>\n"
              "    </location>\n",
              f);
    }
    fputs("</configuration>\n", f);
}
#endif
