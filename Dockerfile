# The Mentiora server: one process that is both the web app (dashboard and ingestion API) and an
# Orleans silo. docker-compose.yml runs several of these behind nginx on one PostgreSQL.
#
# Build: docker build -t mentiora .
# Run:   docker run -p 8080:8080 mentiora   (embedded SQLite mode; see docker-compose.yml for a cluster)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Project files first, so the restore layer is reused until a dependency changes, not on every code edit.
COPY Directory.Build.props Directory.Packages.props ./
COPY Mentiora.Grains/Mentiora.Grains.csproj Mentiora.Grains/
COPY Mentiora.Web/Mentiora.Web.csproj Mentiora.Web/
RUN dotnet restore Mentiora.Web/Mentiora.Web.csproj

COPY Mentiora.Grains/ Mentiora.Grains/
COPY Mentiora.Web/ Mentiora.Web/
RUN dotnet publish Mentiora.Web/Mentiora.Web.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# Without ConnectionStrings__Postgres the app keeps a SQLite file in data/ under its content root;
# the folder must belong to the unprivileged user the app runs as.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data

# The image's built-in unprivileged account (APP_UID, 1654): a compromised app cannot change its own files.
USER $APP_UID

ENV ASPNETCORE_URLS=http://+:8080
# 8080 HTTP (dashboard, API, /healthz, /readyz); 11111 silo-to-silo; 30000 Orleans gateway;
# 9464 Prometheus /metrics (for the scraper only, never behind the load balancer).
# Other ports need the matching Orleans__SiloPort / Orleans__GatewayPort / ASPNETCORE_URLS / Metrics__Port.
EXPOSE 8080 11111 30000 9464

# No HEALTHCHECK here: the image has neither curl nor wget, and the HTTP port is whatever
# ASPNETCORE_URLS says at run time. docker-compose.yml checks /readyz with bash alone (the image is
# Ubuntu-based and has bash): it opens /dev/tcp/127.0.0.1/8080, writes a plain HTTP/1.0 request
# and looks for " 200 " in the status line.
ENTRYPOINT ["dotnet", "Mentiora.Web.dll"]
