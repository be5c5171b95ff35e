# The silo: build with the SDK, run on the ASP.NET runtime as the image's non-root user.
# docker build -f docker/silo.Dockerfile -t apex-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish silo/ApexOrleans.Silo.csproj -c Release -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out .
USER app
EXPOSE 8080
# Inside its container the silo listens on the container's own network; compose publishes it on 127.0.0.1 only.
ENTRYPOINT ["dotnet", "ApexOrleans.Silo.dll"]
CMD ["--urls", "http://0.0.0.0:8080", "--Apex:Mode", "production", "--Apex:Storage", "postgres", "--Apex:KeysFile", "/run/apex/keys.json"]
HEALTHCHECK --interval=5s --timeout=6s --retries=12 CMD ["dotnet", "ApexOrleans.Silo.dll", "healthcheck", "http://127.0.0.1:8080"]
