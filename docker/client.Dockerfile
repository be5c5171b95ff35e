# The apex client: build with the SDK, run on the .NET runtime as the image's non-root user.
# docker build -f docker/client.Dockerfile -t apex-client .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish client/ApexOrleans.Client.csproj -c Release -o /out

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /out .
USER app
ENTRYPOINT ["dotnet", "apex.dll"]
CMD ["run", "--silo", "http://silo:8080", "--keys", "/run/apex/keys.json", "--out", "/evidence"]
